import ArgumentParser
import Imaging
import Radiomics
#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Prints one line to standard error.
func printError(_ s: String) {
    var line = s + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Turns library errors into a one-line message and exit status 1.
enum CLIFailure {
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ValidationError { throw e } catch let e as ExitCode { throw e } catch {
            printError("hccedge: error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Settings files: JSON with the fields of `ExtractionSettings`.
enum SettingsFile {
    static func load(_ path: String) throws -> ExtractionSettings {
        try CLIFailure.guarding {
            let data = try FileIO.readBytes(path)
            return try JSONDecoder().decode(ExtractionSettings.self, from: Data(data))
        }
    }
}
