"""Golden stream of DSPy's `dspy.streaming.streaming_response` (the SSE body a Python DSPy server sends).

Feeds real DSPy 3.3.1's `streaming_response` a scripted async stream, the way `streamify(program)`
(without stream listeners) yields values: litellm stream chunks, then the final `dspy.Prediction`.
The chunks carry the text of a ChainOfThought's `reasoning` and `answer` in small pieces, with the
field each piece belongs to in `provider_specific_fields` (as dspy4j's relay writes it). Writes to
streaming/src/test/resources/dspy-goldens/streaming/:

- events.json      the scripted input: one entry per piece (field, text, last), then the prediction
- stream.txt       exactly what streaming_response yielded, concatenated (`data: ...\\n\\n` lines, `[DONE]`)
- client_view.json what the client code implied by DSPy's deployment docs reads from stream.txt:
                   each `data:` payload is `[DONE]` (the end) or JSON with `chunk` (the text is
                   `chunk.choices[0].delta.content`) or `prediction` (the fields)
- rejected.json    what streaming_response does with values it cannot write (StreamResponse and
                   StatusMessage, which streamify yields when listeners or a status provider are set)

The litellm chunk class is dspy_offline's stand-in (litellm is not installed here); everything else,
including the JSON encoding (orjson) and the framing, is DSPy's own code.
"""
import asyncio
import json
import os

import dspy_offline

dspy = dspy_offline.dspy
from dspy.streaming import StatusMessage, StreamResponse, streaming_response  # noqa: E402
from litellm.types.utils import ModelResponseStream  # noqa: E402  (dspy_offline's stand-in)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "streaming", "src", "test", "resources",
                   "dspy-goldens", "streaming")

REASONING = 'The castle is "Kinnairdy".\nIt has «five» floors; data: not a field\r\nend \\ / \u2028'
ANSWER = "Five — 5 floors 🏰"
CHUNK_ID = "chatcmpl-golden"
CREATED = 1700000000


def pieces(field, text, size):
    out = []
    for i in range(0, len(text), size):
        end = min(len(text), i + size)
        out.append({"field": field, "text": text[i:end], "last": end == len(text)})
    return out


EVENTS = pieces("reasoning", REASONING, 3) + pieces("answer", ANSWER, 2)
PREDICTION = {"reasoning": REASONING, "answer": ANSWER}


def chunk(event):
    return ModelResponseStream(
        id=CHUNK_ID,
        created=CREATED,
        object="chat.completion.chunk",
        choices=[{"index": 0, "delta": {"content": event["text"]}, "finish_reason": None}],
        provider_specific_fields={"predict_name": "", "signature_field_name": event["field"],
                                  "is_last_chunk": event["last"]},
    )


async def scripted(values):
    for v in values:
        yield v


async def collect(values):
    return [s async for s in streaming_response(scripted(values))]


async def rejection(value):
    try:
        await collect([value])
    except Exception as e:  # noqa: BLE001  (recording what DSPy raises)
        return {"raises": type(e).__name__, "message": str(e)}
    return {"raises": None}


def client_view(body):
    """The client side of DSPy's documented streaming endpoint, reading an SSE body."""
    texts, prediction, done = [], None, False
    for event in body.split("\n\n"):
        if not event:
            continue
        assert event.startswith("data: "), event
        data = event[len("data: "):]
        if data == "[DONE]":
            done = True
            break
        payload = json.loads(data)
        if "chunk" in payload:
            texts.append(payload["chunk"]["choices"][0]["delta"]["content"])
        elif "prediction" in payload:
            prediction = payload["prediction"]
    return {"chunk_texts": texts, "text": "".join(texts), "prediction": prediction, "done": done}


def main():
    os.makedirs(OUT, exist_ok=True)
    values = [chunk(e) for e in EVENTS] + [dspy.Prediction(**PREDICTION)]
    body = "".join(asyncio.run(collect(values)))
    with open(os.path.join(OUT, "events.json"), "w", encoding="utf-8") as f:
        json.dump({"events": EVENTS, "prediction": PREDICTION}, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "stream.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(body)
    with open(os.path.join(OUT, "client_view.json"), "w", encoding="utf-8") as f:
        json.dump(client_view(body), f, ensure_ascii=False, indent=2)
        f.write("\n")
    rejected = {
        "StreamResponse": asyncio.run(rejection(StreamResponse("self", "answer", "Five", False))),
        "StatusMessage": asyncio.run(rejection(StatusMessage("Calling LM..."))),
    }
    with open(os.path.join(OUT, "rejected.json"), "w", encoding="utf-8") as f:
        json.dump(rejected, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
