/// IBSI family stub — being written.
public enum IntensityStatistics {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
