import ATOF
import ATOFBridge
import ArgumentParser

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an ATOF JSON-lines file into OTLP spans.",
        discussion: """
            otlp-json writes OTLP/JSON lines: one ExportTraceServiceRequest per line, the format the \
            OpenTelemetry Collector's otlpjsonfile receiver reads. otlp-proto writes one binary \
            ExportTraceServiceRequest holding every span: a body you can POST to /v1/traces.
            Exit status: 0 when every line was used, 1 when some lines were bad (the good ones are \
            still converted).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case otlpJSON = "otlp-json"
        case otlpProto = "otlp-proto"
    }

    @Argument(help: "The ATOF JSON-lines file, or - for standard input.")
    var input: String

    @Option(name: .customLong("to"), help: "Output format: otlp-json or otlp-proto.")
    var format: Format

    @Option(name: .shortAndLong, help: "Where to write (default: standard output).")
    var output: String = "-"

    @Option(help: "Spans per OTLP/JSON line.")
    var batchSize: Int = 512

    @OptionGroup var mapping: MappingFlags

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let conversion = try runConversion(input: input, mapping: mapping)
        let batch = mapping.batch(spans: conversion.spans)
        let writer = try JSONLWriter(path: output)
        switch format {
        case .otlpJSON:
            let encoder = OTLPJSONEncoder()
            var offset = 0
            while offset < batch.spans.count {
                let end = min(offset + batchSize, batch.spans.count)
                let part = SpanBatch(resource: batch.resource, scope: batch.scope, spans: Array(batch.spans[offset..<end]))
                try writer.writeLine { encoder.encode(part, appendingTo: &$0) }
                offset = end
            }
        case .otlpProto:
            let bytes = ProtobufEncoder().encode(batch)
            try writer.writeRaw(bytes)
        }
        try writer.flush()
        printSummary(conversion, verbose: false)
        if conversion.badLineCount > 0 { throw ExitCode(1) }
    }
}
