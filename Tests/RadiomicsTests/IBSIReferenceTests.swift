import Testing
import Radiomics

/// Rows that cannot pass yet, each with the reason (also named in the issue's closing note).
/// A row listed here is still computed and checked; the mismatch is recorded as a known issue.
let knownIBSIIssues: [String: String] = [:]

/// Every row of the IBSI 1 reference table with a value is one test case (the IBSI matching rule:
/// round to 3 significant digits, match within the published tolerance). Values come from the table only.
@Suite struct IBSIReferenceTests {
    static func check(_ row: ReferenceRow) {
        let body = {
            switch ComputedFeatures.result(row.dataSet) {
            case .failure(let e):
                Issue.record("extraction failed: \(e)")
            case .success(let d):
                guard let f = d["\(row.tag)|\(row.aggregation)"] else {
                    Issue.record("not computed"); return
                }
                guard let v = f.value else { Issue.record("undefined: \(f.reason ?? "")"); return }
                #expect(row.matches(v), "computed \(v) (rounded \(ReferenceRow.round3(v))), reference \(row.value) ± \(row.tolerance)")
            }
        }
        if let reason = knownIBSIIssues[row.key] {
            withKnownIssue(Comment(rawValue: reason)) { body() }
        } else {
            body()
        }
    }

    /// The table is read whole (counts from the issue: 482 digital-phantom rows, 1,321 for configs A–E): a missing
    /// or truncated table fails here instead of leaving the parameterised tests below without cases.
    @Test func referenceTableIsReadWhole() {
        #expect(ReferenceRow.rows(dataSet: "digital phantom").count == 482)
        let configs = ["config A", "config B", "config C", "config D", "config E"]
        #expect(configs.map { ReferenceRow.rows(dataSet: $0).count }.reduce(0, +) == 1321)
    }

    @Test("IBSI digital phantom", arguments: ReferenceRow.rows(dataSet: "digital phantom"))
    func digitalPhantom(_ row: ReferenceRow) { Self.check(row) }

    @Test("IBSI CT phantom, config A", arguments: ReferenceRow.rows(dataSet: "config A"))
    func configA(_ row: ReferenceRow) { Self.check(row) }

    @Test("IBSI CT phantom, config B", arguments: ReferenceRow.rows(dataSet: "config B"))
    func configB(_ row: ReferenceRow) { Self.check(row) }

    @Test("IBSI CT phantom, config C", arguments: ReferenceRow.rows(dataSet: "config C"))
    func configC(_ row: ReferenceRow) { Self.check(row) }

    @Test("IBSI CT phantom, config D", arguments: ReferenceRow.rows(dataSet: "config D"))
    func configD(_ row: ReferenceRow) { Self.check(row) }

    @Test("IBSI CT phantom, config E", arguments: ReferenceRow.rows(dataSet: "config E"))
    func configE(_ row: ReferenceRow) { Self.check(row) }

    @Test func referenceTableIsComplete() {
        #expect(ReferenceRow.all.count == 1803)
        #expect(ReferenceRow.rows(dataSet: "digital phantom").count == 482)
    }
}
