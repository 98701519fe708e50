/// IBSI family stub — being written.
public enum LocalIntensity {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
