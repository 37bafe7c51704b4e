import ATOFBridge
import BenchSupport
import Glibc

// encode-bench: the cost of turning finished spans into request bodies, alone (no mapping, no
// network). Batches of 512 agent-shaped spans with 8 or 32 attributes each, encoded again and
// again by the exporter's encoders: OTLP protobuf (libprotobuf-c, as posted) and OTLP/JSON (as
// written to the fallback file).
//
//   encode-bench [--seconds 2] [--batch 512] [--write-samples DIR]
//
// Prints one RESULT line per case: ns per span (thread CPU time and wall), MB/s of output, bytes
// per span. --write-samples writes one body of each case to DIR (`*.pb`, `*.jsonl`) so that the
// harness can decode them with the official opentelemetry-proto.

let usage = "usage: encode-bench [--seconds S] [--batch N] [--write-samples DIR]"

/// One encoding case: a format and an attribute count.
struct EncodeCase {
    enum Format: String { case protobuf, json }
    var format: Format
    var attributes: Int

    var name: String { "\(format.rawValue)-\(attributes)-attributes" }
}

/// Spans shaped like the mapper's output for an LLM call: OpenInference and GenAI keys, an
/// `input.value`/`output.value` JSON text, token counts, one `llm.chunk` event; 32-attribute spans
/// add flattened message attributes the way the mapper writes them.
func makeBatch(spans count: Int, attributes: Int) -> OTLP.SpanBatch {
    var spans: [OTLP.Span] = []
    spans.reserveCapacity(count)
    let base: UInt64 = 1_767_225_600_000_000_000
    for index in 0..<count {
        let n = UInt64(index)
        var list: [OTLP.Attribute] = [
            OTLP.Attribute("openinference.span.kind", "LLM"),
            OTLP.Attribute("gen_ai.operation.name", "chat"),
            OTLP.Attribute("gen_ai.request.model", "gpt-4o"),
            OTLP.Attribute("gen_ai.usage.input_tokens", .int(42)),
            OTLP.Attribute("gen_ai.usage.output_tokens", .int(7)),
            OTLP.Attribute(
                "input.value", .string(#"{"model":"gpt-4o","messages":[{"role":"user","content":"question \#(index)"}],"temperature":0.2}"#)
            ),
            OTLP.Attribute(
                "output.value",
                .string(
                    #"{"id":"chatcmpl-\#(index)","choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"answer \#(index)"}}]}"#
                )),
            OTLP.Attribute("atof.category", "llm"),
        ]
        var extra = 0
        while list.count < attributes {
            let message = extra / 3
            switch extra % 3 {
            case 0:
                list.append(OTLP.Attribute("llm.input_messages.\(message).message.role", message.isMultiple(of: 2) ? "user" : "assistant"))
            case 1:
                list.append(
                    OTLP.Attribute("llm.input_messages.\(message).message.content", .string("message \(message) of request \(index)")))
            default: list.append(OTLP.Attribute("gen_ai.request.temperature.\(message)", .double(0.2)))
            }
            extra += 1
        }
        spans.append(
            OTLP.Span(
                traceID: OTLP.TraceID(high: 0x0197_A000_0000_7000, low: n / 4 + 1),
                spanID: OTLP.SpanID(n + 1),
                parentSpanID: n % 4 == 0 ? nil : OTLP.SpanID(n - n % 4 + 1),
                name: "openai.chat",
                kind: .client,
                startTimeUnixNano: base + n * 150_000,
                endTimeUnixNano: base + n * 150_000 + 120_000,
                attributes: list,
                events: [
                    OTLP.SpanEvent(
                        name: "llm.chunk", timeUnixNano: base + n * 150_000 + 50_000, attributes: [OTLP.Attribute("chunk_index", .int(0))])
                ],
                status: .ok))
    }
    let resource = OTLP.Resource(attributes: [
        OTLP.Attribute("service.name", "encode-bench"), OTLP.Attribute("telemetry.sdk.name", "atof-bridge"),
    ])
    return OTLP.SpanBatch(resource: resource, spans: spans)
}

/// CPU time of the calling thread, ns.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

func measure(_ encodeCase: EncodeCase, batch: OTLP.SpanBatch, seconds budget: Double, samples: String?) throws(Arguments.Problem) {
    let protobuf = ProtobufEncoder()
    let json = OTLPJSONEncoder()
    func encode() -> [UInt8] {
        switch encodeCase.format {
        case .protobuf: protobuf.encode(batch)
        case .json: json.encode(batch)
        }
    }
    // Warm up, and keep one body for the size and the sample.
    let body = encode()
    if let samples {
        let path = samples + "/" + encodeCase.name + (encodeCase.format == .protobuf ? ".pb" : ".jsonl")
        guard let file = fopen(path, "wb") else { throw Arguments.Problem(description: "cannot write \(path)") }
        let written = body.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if encodeCase.format == .json { fputc(0x0A, file) }
        fclose(file)
        guard written == body.count else { throw Arguments.Problem(description: "short write to \(path)") }
    }
    var iterations = 0
    var bytes = 0
    let wallStart = monotonicNanoseconds()
    let cpuStart = threadCPUNanoseconds()
    let deadline = wallStart + UInt64(budget * 1e9)
    repeat {
        bytes &+= encode().count
        iterations += 1
    } while monotonicNanoseconds() < deadline || iterations < 3
    let cpu = threadCPUNanoseconds() - cpuStart
    let wall = monotonicNanoseconds() - wallStart
    let spans = iterations * batch.spans.count

    var report = Report()
    report.add("scenario", "encode \(encodeCase.format == .protobuf ? "OTLP protobuf" : "OTLP/JSON"), \(encodeCase.attributes) attributes")
    report.add("case", encodeCase.name)
    report.add("format", encodeCase.format.rawValue)
    report.add("attributes", encodeCase.attributes)
    report.add("batch", batch.spans.count)
    report.add("spans_encoded", spans)
    report.add("cpu_ns_per_span", Double(cpu) / Double(spans))
    report.add("wall_ns_per_span", Double(wall) / Double(spans))
    report.add("spans_per_cpu_second", Double(spans) / (Double(cpu) / 1e9))
    report.add("output_megabytes_per_second", Double(bytes) / 1e6 / (Double(cpu) / 1e9))
    report.add("bytes_per_span", Double(body.count) / Double(batch.spans.count))
    report.emit()
}

func main() -> Int32 {
    do {
        let arguments = try Arguments(
            Array(CommandLine.arguments.dropFirst()), options: ["seconds", "batch", "write-samples"], flags: ["help"])
        if arguments.flag("help") {
            printError(usage)
            return 0
        }
        let budget = try arguments.seconds("seconds", default: 2)
        let batchSize = max(1, try arguments.integer("batch", default: 512))
        for attributes in [8, 32] {
            let batch = makeBatch(spans: batchSize, attributes: attributes)
            for format in [EncodeCase.Format.protobuf, .json] {
                try measure(
                    EncodeCase(format: format, attributes: attributes), batch: batch, seconds: budget,
                    samples: arguments.string("write-samples"))
            }
        }
        return 0
    } catch {
        printError("encode-bench: \(error)\n\(usage)")
        return 64
    }
}

exit(main())
