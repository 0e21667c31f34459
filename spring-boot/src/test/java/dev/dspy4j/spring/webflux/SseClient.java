package dev.dspy4j.spring.webflux;

import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;

/** Splits a text/event-stream body, arriving in arbitrary pieces, into events (test helper). */
final class SseClient {

  /** One received event and when it arrived (System.nanoTime). */
  record Event(String name, String data, long arrivedNanos) {}

  private SseClient() {}

  static Flux<Event> events(Flux<String> body) {
    return Flux.defer(
        () -> {
          var buffer = new StringBuilder();
          return body.concatMapIterable(
              piece -> {
                buffer.append(piece.replace("\r\n", "\n"));
                List<Event> out = new ArrayList<>();
                int end;
                while ((end = buffer.indexOf("\n\n")) >= 0) {
                  String block = buffer.substring(0, end);
                  buffer.delete(0, end + 2);
                  String name = "message";
                  var data = new StringBuilder();
                  boolean any = false;
                  for (String line : block.split("\n")) {
                    if (line.startsWith("event:")) {
                      name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                      if (any) data.append('\n');
                      data.append(
                          line.substring(5).startsWith(" ")
                              ? line.substring(6)
                              : line.substring(5));
                      any = true;
                    }
                  }
                  if (any) out.add(new Event(name, data.toString(), System.nanoTime()));
                }
                return out;
              });
        });
  }
}
