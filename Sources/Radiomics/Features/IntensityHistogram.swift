/// IBSI family stub — being written.
public enum IntensityHistogram {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
