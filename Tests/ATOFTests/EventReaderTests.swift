import Testing

@testable import ATOF

#if canImport(Glibc)
import Glibc
#endif

/// Writes `content` to a fresh temporary file and returns its path.
func temporaryFile(_ content: [UInt8], name: String = "input.jsonl") -> String {
    var template = Array("/tmp/atof-test-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    let path = directory + "/" + name
    let file = fopen(path, "wb")
    _ = content.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
    return path
}

@Suite struct EventReaderTests {
    static let good = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":"2026-01-01T00:00:00Z","name":"n","data":"x\#u{2028}y"}"#

    static func read(_ text: String, chunkSize: Int = 1 << 20) throws -> (events: [(Event, Int)], diagnostics: [Diagnostic]) {
        let path = temporaryFile(Array(text.utf8))
        let reader = EventReader(lines: try JSONLReader(path: path, chunkSize: chunkSize))
        var events: [(Event, Int)] = []
        var diagnostics: [Diagnostic] = []
        try reader.forEach { item in
            switch item {
            case .event(let event, let line): events.append((event, line))
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        return (events, diagnostics)
    }

    @Test func readsOnAfterBadLinesAndNamesTheirLineNumbers() throws {
        let text = [Self.good, "not json", "", "[1]", Self.good].joined(separator: "\n") + "\n"
        let (events, diagnostics) = try Self.read(text)
        #expect(events.map(\.1) == [1, 5])
        #expect(diagnostics.map(\.line) == [2, 4])
        #expect(diagnostics.allSatisfy { $0.severity == .error && $0.description.contains("input.jsonl:") })
    }

    @Test func splitsOnlyOnTheNewlineByteAndAcceptsCRLF() throws {
        let text = Self.good + "\r\n" + Self.good + "\r\n"
        let (events, diagnostics) = try Self.read(text)
        #expect(events.count == 2)
        #expect(diagnostics.isEmpty)
        #expect(events[0].0.data == .string("x\u{2028}y"))
    }

    @Test func reportsATruncatedLastLine() throws {
        let text = Self.good + "\n" + #"{"kind":"mark","atof_ver"#
        let (events, diagnostics) = try Self.read(text)
        #expect(events.count == 1)
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].line == 2)
        #expect(diagnostics[0].message.contains("cut off"))
    }

    @Test func acceptsACompleteLastLineWithoutLineBreak() throws {
        let (events, diagnostics) = try Self.read(Self.good + "\n" + Self.good)
        #expect(events.count == 2)
        #expect(diagnostics.isEmpty)
    }

    @Test func readsLinesLongerThanTheReadBuffer() throws {
        let big = String(repeating: "z", count: 10_000)
        let line = #"{"kind":"mark","atof_version":"0.1","uuid":"m","timestamp":1,"name":"n","data":"\#(big)"}"#
        let (events, _) = try Self.read(line + "\n" + line + "\n", chunkSize: 64)
        #expect(events.count == 2)
        #expect(events[1].0.data?.stringValue?.count == 10_000)
        #expect(events[1].1 == 2)
    }

    @Test func anEmptyInputHasNoEventsAndNoProblems() throws {
        let (events, diagnostics) = try Self.read("")
        #expect(events.isEmpty && diagnostics.isEmpty)
    }

    @Test func aMissingFileIsAClearError() {
        #expect(throws: InputError.self) { _ = try JSONLReader(path: "/nonexistent/run.jsonl") }
    }

    @Test("a directory given as input is refused when it is opened, with a message naming it and saying it is a directory")
    func aDirectoryIsAClearError() {
        let file = temporaryFile([])
        let directory = String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
        #expect {
            _ = try JSONLReader(path: directory)
        } throws: { error in
            let text = (error as? InputError)?.description ?? ""
            return text.hasPrefix("\(directory): ") && text.contains("is a directory")
        }
    }

    @Test func writerCreatesOwnerOnlyFiles() throws {
        let path = temporaryFile([], name: "unused") + ".out"
        let writer = try JSONLWriter(path: path)
        try writer.writeLine(Array("{}".utf8))
        try writer.sync()
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }
}
