import Testing
@testable import Appliance

@Suite struct ApplianceSmokeTests {
    @Test func moduleLoads() { #expect(Bool(true)) }
}
