extension InputOptions {
    /// The defaults overridden by `ATOF_BRIDGE_INPUT_FORMAT` and `ATOF_BRIDGE_MODEL`; a bad
    /// format leaves `auto` and adds a message to `warnings`.
    public static func fromEnvironment(_ environment: [String: String], warnings: inout [String]) -> InputOptions {
        var reader = EnvironmentReader(environment: environment)
        let options = read(&reader)
        warnings += reader.warnings
        return options
    }

    /// ``fromEnvironment(_:warnings:)`` with the warnings left out.
    public static func fromEnvironment(_ environment: [String: String] = ProcessEnvironment.current) -> InputOptions {
        var warnings: [String] = []
        return fromEnvironment(environment, warnings: &warnings)
    }

    static func read(_ reader: inout EnvironmentReader) -> InputOptions {
        var options = InputOptions()
        options.format = reader.choice(reader.entry("ATOF_BRIDGE_INPUT_FORMAT"), default: options.format)
        if let model = reader.entry("ATOF_BRIDGE_MODEL")?.value, !model.isEmpty { options.model = model }
        return options
    }
}
