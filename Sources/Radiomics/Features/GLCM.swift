/// IBSI family stub — being written.
public enum GLCM {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
