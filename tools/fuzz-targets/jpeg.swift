// libFuzzer harness: the JPEG path. Bytes → a .jpg in RAM → JPEGImage.decode (libjpeg with our error manager)
// → a one-slice JPEG stack as image and mask through Ingest.load.
import Imaging
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = fuzzScratch + "/slice.jpg"
    guard writeInput(data, size, to: path) else { return 0 }
    guard (try? JPEGImage.decode(path)) != nil else { return 0 }
    _ = try? Ingest.load(imagePath: path, maskPath: path, marginMM: 1, spacing: Spacing(0.5, 0.5, 2))
    return 0
}
