// What the README's quick start (main.swift, checked against README.md by
// scripts/quickstart-check.sh) takes from the app around it: a request, an LLM client with a
// Codable response, and a tool. Only compiled (`swift build`), never run.

import ATOF

struct ChatResponse: Codable {
    struct Choice: Codable {
        var index: Int
        var finish_reason: String
    }
    struct Usage: Codable {
        var prompt_tokens: Int
        var completion_tokens: Int
    }
    var model: String
    var choices: [Choice]
    var usage: Usage

    var finishReason: String { choices.first?.finish_reason ?? "" }
}

struct LLMClient {
    func chat(_ request: JSONValue) async throws -> ChatResponse {
        ChatResponse(
            model: "gpt-4o-2024-08-06", choices: [.init(index: 0, finish_reason: "stop")],
            usage: .init(prompt_tokens: 12, completion_tokens: 3))
    }
}

struct Forecast: Codable {
    var city: String
    var celsius: Int
}

let llm = LLMClient()
let request: JSONValue = ["model": "gpt-4o", "messages": [["role": "user", "content": "Plan a day in Lyon"]]]

func weather(_ city: String) async throws -> Forecast { Forecast(city: city, celsius: 24) }
