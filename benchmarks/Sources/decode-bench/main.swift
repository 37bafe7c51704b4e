import ATOF
import BenchSupport
import Foundation
import Glibc

// decode-bench: the parse-only cost of one ATOF JSON-lines file, to choose between our own
// narrow decoder and Foundation's (issue: "if JSON decoding dominates, show the numbers").
//
//   decode-bench FILE [--repeat 3] [--only jsonparser|event|jsonserialization|jsondecoder]
//
// The file is read into memory once and split into lines; each case then goes over every line
// `--repeat` times and keeps its fastest pass. Cases:
//   jsonparser          ATOF's JSONParser: bytes -> JSONValue
//   event               ATOF's full decode: bytes -> Event (JSONParser + Event.decode)
//   jsonserialization   Foundation JSONSerialization.jsonObject: Data -> Any
//   jsondecoder         Foundation JSONDecoder: Data -> a Codable struct of the ATOF 0.1 envelope
// Prints one RESULT line per case (`case`, `scenario`): ns per line, MB/s of input
// (`megabytes_per_second`), lines per second, and how many lines the case accepted.

let usage = "usage: decode-bench FILE [--repeat N] [--only CASE]"

/// The ATOF 0.1 envelope, as a Codable struct: what a `JSONDecoder`-based reader would decode.
/// Payloads (`data`, `metadata`, `category_profile`) are decoded as a generic JSON tree, as the
/// bridge must keep them.
struct Envelope01: Decodable {
    var kind: String
    var atof_version: String?
    var schema_version: String?
    var uuid: String
    var parent_uuid: String?
    var timestamp: String
    var name: String
    var scope_category: String?
    var category: String?
    var attributes: [String]?
    var category_profile: AnyJSON?
    var data: AnyJSON?
    var data_schema: AnyJSON?
    var metadata: AnyJSON?
}

/// A generic JSON value for Codable (what `JSONValue` is to our parser).
indirect enum AnyJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }
}

/// The whole file in memory, and where each non-blank line starts and ends.
struct LoadedFile {
    var bytes: [UInt8]
    var lines: [Range<Int>]

    init(path: String) throws(Arguments.Problem) {
        guard let handle = fopen(path, "rb") else {
            throw Arguments.Problem(description: "cannot open \(path)")
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            if index > start { lines.append(start..<index) }
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        self.bytes = bytes
        self.lines = lines
    }
}

/// Runs `body` over every line `passes` times; returns the fastest pass (seconds) and the number
/// of lines it accepted.
func measure(_ file: LoadedFile, passes: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> (seconds: Double, accepted: Int) {
    var best = Double.infinity
    var accepted = 0
    file.bytes.withUnsafeBufferPointer { all in
        for _ in 0..<passes {
            var count = 0
            let start = monotonicNanoseconds()
            for range in file.lines where body(UnsafeBufferPointer(rebasing: all[range])) {
                count += 1
            }
            let elapsed = seconds(from: start, to: monotonicNanoseconds())
            if elapsed < best { best = elapsed }
            accepted = count
        }
    }
    return (best, accepted)
}

func main() -> Int32 {
    var positional = Array(CommandLine.arguments.dropFirst())
    guard let path = positional.first, !path.hasPrefix("--") else {
        printError(usage)
        return 64
    }
    positional.removeFirst()
    let arguments: Arguments
    let file: LoadedFile
    let passes: Int
    do {
        arguments = try Arguments(positional, options: ["repeat", "only"], flags: ["help"])
        passes = max(1, try arguments.integer("repeat", default: 3))
        file = try LoadedFile(path: path)
    } catch {
        printError("decode-bench: \(error)\n\(usage)")
        return 64
    }
    let only = arguments.string("only")
    let megabytes = Double(file.lines.reduce(0) { $0 + $1.count }) / 1e6
    let decoder = JSONDecoder()

    let cases: [(name: String, scenario: String, body: (UnsafeBufferPointer<UInt8>) -> Bool)] = [
        ("jsonparser", "ATOF JSONParser → JSONValue", { line in (try? JSONParser.parse(line)) != nil }),
        (
            "event", "ATOF Event.decode (JSONParser + event fields)",
            { line in
                if case .event? = try? Event.decode(line: line) { return true }
                return false
            }
        ),
        (
            "jsonserialization", "Foundation JSONSerialization.jsonObject",
            { line in
                let data = Data(buffer: line)
                return (try? JSONSerialization.jsonObject(with: data)) != nil
            }
        ),
        (
            "jsondecoder", "Foundation JSONDecoder → Codable ATOF 0.1 envelope",
            { line in
                let data = Data(buffer: line)
                return (try? decoder.decode(Envelope01.self, from: data)) != nil
            }
        ),
    ]
    for (name, scenario, body) in cases where only == nil || only == name {
        let (elapsed, accepted) = measure(file, passes: passes, body)
        let lines = Double(file.lines.count)
        var report = Report()
        report.add("case", name)
        report.add("scenario", scenario)
        report.add("lines", file.lines.count)
        report.add("accepted", accepted)
        report.add("seconds", elapsed)
        report.add("ns_per_line", elapsed * 1e9 / lines)
        report.add("megabytes_per_second", megabytes / elapsed)
        report.add("lines_per_second", lines / elapsed)
        report.emit()
    }
    return 0
}

exit(main())
