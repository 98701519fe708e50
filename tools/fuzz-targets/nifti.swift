// libFuzzer harness: the NIfTI path. Bytes → a file in RAM (.nii or .nii.gz by the gzip magic) → NIfTIHeader
// checks → libnifti header read → mask scan (the same file as mask) → sub-region read → fixed-point volume.
import Imaging
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNIfTI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b
    let path = fuzzScratch + (gz ? "/input.nii.gz" : "/input.nii")
    guard writeInput(data, size, to: path) else { return 0 }
    // The file as image and as its own mask (every non-zero voxel), with a margin so the crop differs from the ROI.
    _ = try? Ingest.load(imagePath: path, maskPath: path, marginMM: 2)
    // With a label: the float/scaled mask branch of the scan.
    _ = try? Ingest.load(imagePath: path, maskPath: path, label: 1)
    _ = try? NIfTISummary.of(path)
    return 0
}
