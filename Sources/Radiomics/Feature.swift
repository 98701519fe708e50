/// One reported feature value.
public struct Feature: Sendable, Equatable {
    /// IBSI tag, e.g. `morph.vol`, `cm.joint.max`.
    public var tag: String
    /// Four-character IBSI identifier, e.g. `RNU0`.
    public var ibsiID: String
    /// Texture aggregation (`"3D, merged"`), empty for non-texture families.
    public var aggregation: String
    /// Value, nil when undefined for this ROI.
    public var value: Double?
    /// Why the value is undefined (reported on stderr), nil when defined.
    public var reason: String?

    public init(_ tag: String, _ ibsiID: String, _ aggregation: String = "", _ value: Double?, reason: String? = nil) {
        self.tag = tag; self.ibsiID = ibsiID; self.aggregation = aggregation
        if let v = value, !v.isFinite {
            self.value = nil; self.reason = reason ?? "not finite for this ROI"
        } else {
            self.value = value; self.reason = value == nil ? (reason ?? "undefined for this ROI") : nil
        }
    }
}

/// Texture aggregation methods, spelled exactly as in the IBSI reference table.
public enum Aggregation: String, Sendable, CaseIterable, Codable {
    case twoDAveraged = "2D, averaged"
    case twoDSliceMerged = "2D, slice-merged"
    case twoFiveDDirectionMerged = "2.5D, direction-merged"
    case twoFiveDMerged = "2.5D, merged"
    case threeDAveraged = "3D, averaged"
    case threeDMerged = "3D, merged"
    /// For GLSZM, GLDZM, NGTDM, NGLDM (one matrix per slice, averaged).
    case twoD = "2D"
    /// Slice matrices merged into one.
    case twoFiveD = "2.5D"
    /// One matrix over the volume.
    case threeD = "3D"
}

/// A feature formula over a family's matrix: (tag, IBSI ID, formula), as in each family's table.
public struct FeatureFormula<Matrix>: Sendable {
    public let tag: String
    public let ibsiID: String
    public let compute: @Sendable (Matrix) -> Double?
    public init(_ tag: String, _ ibsiID: String, _ compute: @escaping @Sendable (Matrix) -> Double?) {
        self.tag = tag; self.ibsiID = ibsiID; self.compute = compute
    }
}

extension Array {
    /// Evaluates a family's table of formulas on one matrix.
    public func evaluate<M>(on matrix: M, aggregation: String) -> [Feature] where Element == FeatureFormula<M> {
        map { Feature($0.tag, $0.ibsiID, aggregation, $0.compute(matrix)) }
    }
}
