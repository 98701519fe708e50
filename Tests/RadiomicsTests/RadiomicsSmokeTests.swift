import Testing
@testable import Radiomics

@Suite struct RadiomicsSmokeTests {
    @Test func moduleLoads() { #expect(Bool(true)) }
}
