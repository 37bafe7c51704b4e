extension ForeignFormat {
    /// The translator of each format, in detection order.
    static let adapterTypes: [any ForeignEventAdapter.Type] = [
        EnactAdapter.self, AgentSDKAdapter.self, OpenResponsesAdapter.self, AgtraceAdapter.self,
    ]
}
