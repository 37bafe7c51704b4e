extension ForeignFormat {
    /// The translator of each format, in detection order. The lead fills this list as the
    /// translators are merged (`EnactAdapter`, `AgentSDKAdapter`, `OpenResponsesAdapter`,
    /// `AgtraceAdapter`); a format without one is detected and reported, not read.
    static let adapterTypes: [any ForeignEventAdapter.Type] = []
}
