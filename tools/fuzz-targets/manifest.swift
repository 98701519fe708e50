// libFuzzer harness: the study manifest parser. Bytes → study.json in a study folder that also holds an image,
// a mask, a JPEG folder, a symlink leaving the folder and a sibling folder → Study.open (paths resolved and
// checked) → StudyInput.from is not called (it lives in Clinical; the manifest's own checks are the target).
import Imaging
#if canImport(Glibc)
import Glibc
#endif

let studyFolder: String = {
    let root = fuzzScratch + "/studies"
    let d = root + "/study"
    mkdir(root, 0o700); mkdir(d, 0o700)
    for f in ["venous.nii.gz", "venous_mask.nii.gz", "venous_liver.nii.gz"] {
        let fd = open(d + "/" + f, O_WRONLY | O_CREAT | O_TRUNC, 0o600); if fd >= 0 { close(fd) }
    }
    mkdir(d + "/us", 0o700); mkdir(d + "/us_mask", 0o700)
    mkdir(root + "/other", 0o700)
    let fd = open(root + "/other/secret.nii.gz", O_WRONLY | O_CREAT | O_TRUNC, 0o600); if fd >= 0 { close(fd) }
    symlink("/etc", d + "/etc")
    symlink("../other", d + "/sibling")
    symlink("venous.nii.gz", d + "/inside.nii.gz")
    return d
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let folder = studyFolder
    guard writeInput(data, size, to: folder + "/study.json") else { return 0 }
    if let s = try? Study.open(folder) {
        // Every accepted path must resolve inside the study folder.
        for p in s.phases {
            for path in [p.image, p.mask] + (p.liverMask.map { [$0] } ?? []) {
                guard let r = realpath(path, nil) else { continue }
                let real = String(cString: r); free(r)
                guard let f = realpath(folder, nil) else { continue }
                let root = String(cString: f); free(f)
                if !(real == root || real.hasPrefix(root + "/")) {
                    fputs("ESCAPE: \(path) -> \(real)\n", stderr); abort()
                }
            }
        }
    }
    return 0
}
