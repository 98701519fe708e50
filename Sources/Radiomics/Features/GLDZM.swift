/// IBSI family stub — being written.
public enum GLDZM {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
