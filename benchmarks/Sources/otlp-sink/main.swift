import BenchSupport
import Glibc

// otlp-sink: a fast OTLP/HTTP receiver that counts spans without decoding them.
//
//   otlp-sink [--port N] [--port-file PATH]              serve on 127.0.0.1 until SIGTERM
//   otlp-sink --blast URL --body FILE [--seconds S] [--connections K]
//                                                         measure a running sink's ceiling

let usage = """
    usage: otlp-sink [--port N] [--port-file PATH]
           otlp-sink --blast http://127.0.0.1:PORT/v1/traces --body REQUEST.pb [--seconds 3] [--connections 2]
    """

func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if got == 0 { break }
        bytes.append(contentsOf: chunk[..<got])
    }
    return ferror(file) == 0 ? bytes : nil
}

func writeFileAtomically(_ path: String, _ text: String) -> Bool {
    let temporary = path + ".tmp"
    guard let file = fopen(temporary, "w") else { return false }
    let written = fputs(text, file) >= 0
    guard fclose(file) == 0, written else { return false }
    return rename(temporary, path) == 0
}

func main() -> Int32 {
    let arguments: Arguments
    do {
        arguments = try Arguments(
            Array(CommandLine.arguments.dropFirst()),
            options: ["port", "port-file", "blast", "body", "seconds", "connections"],
            flags: ["help"])
    } catch {
        printError("otlp-sink: \(error)\n\(usage)")
        return 64
    }
    if arguments.flag("help") {
        printError(usage)
        return 0
    }
    if let target = arguments.string("blast") {
        guard let endpoint = HTTPEndpoint(target), let bodyPath = arguments.string("body"), let body = readFile(bodyPath) else {
            printError("otlp-sink: --blast needs an http://127.0.0.1:PORT/... URL and a readable --body file\n\(usage)")
            return 64
        }
        do {
            let blaster = Blaster(
                endpoint: endpoint, body: body,
                connections: max(1, try arguments.integer("connections", default: 2)),
                seconds: try arguments.seconds("seconds", default: 3))
            guard let report = blaster.run() else { return 1 }
            report.emit()
            return 0
        } catch {
            printError("otlp-sink: \(error)")
            return 64
        }
    }
    let server: SinkServer
    do {
        let port = try arguments.integer("port", default: 0)
        guard port <= 65535 else {
            printError("otlp-sink: --port must be at most 65535")
            return 64
        }
        server = try SinkServer(port: UInt16(port))
    } catch {
        printError("otlp-sink: \(error)")
        return 1
    }
    if let portFile = arguments.string("port-file"), !writeFileAtomically(portFile, "\(server.port)\n") {
        printError("otlp-sink: cannot write \(portFile)")
        return 1
    }
    printError("otlp-sink: listening on http://127.0.0.1:\(server.port)/v1/traces (GET /stats for the counts)")
    server.run()
    printError("otlp-sink: stopped; totals \(server.counters.snapshot.json)")
    return 0
}

exit(main())
