/// IBSI family stub — being written.
public enum Morphology {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
