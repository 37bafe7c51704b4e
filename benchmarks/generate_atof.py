#!/usr/bin/env python3
"""Writes a deterministic, agent-shaped ATOF 0.1 file for benchmarks.

Each turn is 9 events: agent start, LLM start (OpenAI-style request), an llm.chunk mark, LLM end
(response with usage), two tool calls (start + end), agent end. Usage: generate_atof.py EVENTS OUT"""
import json
import sys
import uuid

BASE_NS = 1_767_225_600_000_000_000


def stamp(ns):
    s, frac = divmod(ns, 1_000_000_000)
    import time
    t = time.gmtime(s)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{frac:09d}+00:00"


def uid(n):
    return str(uuid.UUID(int=(0x0197A000_0000_7000_8000_000000000000 | n)))


def main(total, path):
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    root = uid(0xFFFFFFFF)
    n = 0
    t = BASE_NS
    with open(path, "w", encoding="utf-8") as out:
        written = 0
        turn = 0
        while written < total:
            turn += 1
            agent, llm, chunk, tool1, tool2 = (uid(n + i) for i in range(1, 6))
            n += 6

            def scope(phase, u, parent, name, category, data=None, metadata=None, profile=None, attributes=()):
                nonlocal t
                t += 150_000
                return {"atof_version": "0.1", "attributes": list(attributes), "category": category, "category_profile": profile,
                        "data": data, "data_schema": None, "kind": "scope", "metadata": metadata, "name": name,
                        "parent_uuid": parent, "scope_category": phase, "timestamp": stamp(t), "uuid": u}

            request = {"headers": {}, "content": {"model": "gpt-4o", "messages": [
                {"role": "system", "content": "You are a planner."}, {"role": "user", "content": f"question {turn}"}], "temperature": 0.2}}
            response = {"id": f"chatcmpl-{turn}", "model": "gpt-4o-2024", "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": f"answer {turn}"}}],
                        "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}}
            def chunk_mark():
                # Between the LLM start (the current time) and its end (150 µs later).
                return {"atof_version": "0.1", "category": None, "category_profile": None, "data": {"chunk_index": 0, "provider": "openai"},
                        "data_schema": None, "kind": "mark", "metadata": None, "name": "llm.chunk", "parent_uuid": llm,
                        "timestamp": stamp(t + 50_000), "uuid": chunk}

            events = [
                scope("start", agent, root, "planner", "agent", {"question": turn}, {"session_id": "bench"}),
                scope("start", llm, agent, "openai.chat", "llm", request, None, {"model_name": "gpt-4o"}, ["streaming"]),
                chunk_mark(),
                scope("end", llm, agent, "openai.chat", "llm", response, {"otel.status_code": "OK"}, {"model_name": "gpt-4o"}, ["streaming"]),
                scope("start", tool1, agent, "search", "tool", {"q": f"term {turn}"}, None, {"tool_call_id": f"call_{turn}a"}),
                scope("end", tool1, agent, "search", "tool", {"hits": 3}, {"otel.status_code": "OK"}, {"tool_call_id": f"call_{turn}a"}),
                scope("start", tool2, agent, "calculator", "tool", {"expr": "6*7"}, None, {}),
                scope("end", tool2, agent, "calculator", "tool", 42, {"otel.status_code": "OK"}, {}),
                scope("end", agent, root, "planner", "agent", {"answer": turn}, {"otel.status_code": "OK"}),
            ]
            for event in events:
                if written == total:
                    break
                out.write(dumps(event) + "\n")
                written += 1


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
