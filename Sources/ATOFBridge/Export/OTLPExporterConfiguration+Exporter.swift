import Logging

extension OTLPExporterConfiguration {
    /// The exporter for ``protocol``: an ``OTLPGRPCExporter`` for `grpc`, else an
    /// ``OTLPHTTPExporter``. Throws what their initializers throw.
    public func makeExporter(logger: Logger = Logger(label: "atof-bridge.exporter")) throws(ExportError) -> any SpanExporter {
        switch `protocol` {
        case .grpc: try OTLPGRPCExporter(configuration: self, logger: logger)
        case .httpProtobuf, .httpJSON: try OTLPHTTPExporter(configuration: self, logger: logger)
        }
    }
}
