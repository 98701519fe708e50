/// IBSI family stub — being written.
public enum NGTDM {
    /// Computes this family's features.
    public static func features(_ input: FeatureInput) -> [Feature] { [] }
}
