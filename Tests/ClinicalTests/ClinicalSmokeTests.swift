import Testing
@testable import Clinical

@Suite struct ClinicalSmokeTests {
    @Test func moduleLoads() { #expect(Bool(true)) }
}
