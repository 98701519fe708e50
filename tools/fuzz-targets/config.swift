// libFuzzer harness: the appliance configuration parser (ApplianceConfig.load: JSON, unknown-key rejection,
// range checks) on a file in RAM.
import Appliance
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = fuzzScratch + "/hccedge.conf"
    guard writeInput(data, size, to: path) else { return 0 }
    if let c = try? ApplianceConfig.load(path) {
        try? c.validate()   // an accepted config must stay valid
    }
    return 0
}
