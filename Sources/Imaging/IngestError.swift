/// Errors raised while reading studies; each names the file and the problem in one line.
public struct IngestError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problem: String
    public init(_ file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}
