import BenchSupport
import Glibc
import Synchronization

/// The ceiling test: posts one pre-encoded export request in a loop over keep-alive connections
/// for a fixed time, then reads the sink's `/stats` to see how many spans it counted per second.
struct Blaster {
    let endpoint: HTTPEndpoint
    let body: [UInt8]
    let connections: Int
    let seconds: Double

    func run() -> Report? {
        let spansPerBody: Int
        do {
            spansPerBody = try body.withUnsafeBytes { (bytes) throws(SpanCounter.Malformed) in try SpanCounter.countSpans(in: bytes) }
        } catch {
            printError("otlp-sink --blast: the body is not an ExportTraceServiceRequest: \(error)")
            return nil
        }
        guard let before = SinkStats.fetch(from: endpoint) else {
            printError("otlp-sink --blast: no sink answering GET /stats at \(endpoint)")
            return nil
        }
        let head = Array(
            "POST \(endpoint.path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8)
        let request = head + body
        let sent = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let usageBefore = ResourceUsage.now()
        let start = monotonicNanoseconds()
        let deadline = start + UInt64(seconds * 1e9)
        var threads: [JoinableThread] = []
        for _ in 0..<connections {
            guard
                let thread = JoinableThread({ [endpoint] in
                    let count = Self.postLoop(request, to: endpoint, until: deadline)
                    sent.add(count.sent, ordering: .relaxed)
                    if count.failed { failures.add(1, ordering: .relaxed) }
                })
            else { break }
            threads.append(thread)
        }
        while let thread = threads.popLast() { thread.join() }
        let elapsed = BenchSupport.seconds(from: start, to: monotonicNanoseconds())
        let usage = ResourceUsage.now()
        guard let after = SinkStats.fetch(from: endpoint) else { return nil }
        let delta = after.since(before)
        var report = Report()
        report.add("mode", "blast")
        report.add("connections", connections)
        report.add("body_bytes", body.count)
        report.add("spans_per_request", spansPerBody)
        report.add("seconds", elapsed)
        report.add("requests_sent", sent.load(ordering: .relaxed))
        report.add("connection_failures", failures.load(ordering: .relaxed))
        report.add("sink_requests", delta.requests)
        report.add("sink_spans", delta.spans)
        report.add("sink_malformed", delta.malformed)
        report.add("sink_spans_per_second", Double(delta.spans) / elapsed)
        report.add("sink_megabytes_per_second", Double(delta.bytes) / elapsed / 1_048_576)
        // The sink's own CPU per span: its ceiling per core whatever limits the client.
        let sinkCPUPerSpan = delta.spans > 0 ? Double(delta.cpuMicroseconds) / Double(delta.spans) : 0
        report.add("sink_cpu_seconds", Double(delta.cpuMicroseconds) / 1e6)
        report.add("sink_cpu_us_per_span", sinkCPUPerSpan)
        report.add("sink_spans_per_cpu_second", sinkCPUPerSpan > 0 ? 1e6 / sinkCPUPerSpan : 0)
        report.add("client_cpu_seconds", Double(usage.cpuMicroseconds - usageBefore.cpuMicroseconds) / 1e6)
        return report
    }

    /// Posts `request` and reads each answer until `deadline`; returns how many were answered 200.
    private static func postLoop(_ request: [UInt8], to endpoint: HTTPEndpoint, until deadline: UInt64) -> (sent: Int, failed: Bool) {
        guard let socket = Socket.connect(to: endpoint) else { return (0, true) }
        var reader = HTTPMessageReader(socket: socket, initialCapacity: 4096, limit: 1 << 20)
        var sent = 0
        while monotonicNanoseconds() < deadline {
            guard request.withUnsafeBytes({ socket.writeAll($0) }) else { return (sent, true) }
            guard let answer = try? reader.next(), answer.head.second == "200" else { return (sent, true) }
            sent += 1
        }
        return (sent, false)
    }
}
