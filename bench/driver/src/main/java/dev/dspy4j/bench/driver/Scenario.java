package dev.dspy4j.bench.driver;

import java.util.List;

/**
 * One measured run shape.
 *
 * @param id short id used in file names and the result line
 * @param title what the report calls it
 * @param kind server script kind: {@code plain} or {@code cot}
 * @param tokens text deltas (plain) or reasoning words (cot) per response
 * @param delayMillis pause between deltas on the server
 * @param total completions measured
 * @param concurrency streams kept open at once
 * @param warmup completions before measuring
 * @param mode client mode: {@code stream} or {@code cot}
 * @param liveHeap force one full GC once every stream is open, to record what they hold
 * @param clients which clients run it (empty: all)
 */
record Scenario(
    String id,
    String title,
    String kind,
    int tokens,
    int delayMillis,
    int total,
    int concurrency,
    int warmup,
    String mode,
    boolean liveHeap,
    List<String> clients) {

  /** Deltas a client sees per response (the cot script adds 4 framing deltas). */
  int expectedDeltas() {
    return "cot".equals(kind) ? tokens + 4 : tokens;
  }

  String path(int port) {
    return "http://127.0.0.1:" + port + "/s/" + kind + "/" + tokens + "/" + delayMillis + "/4/v1";
  }

  boolean runsFor(String client) {
    return clients.isEmpty() || clients.contains(client);
  }

  /** The scenarios of the issue; quick mode scales counts down so all clients finish in minutes. */
  static List<Scenario> all(boolean quick) {
    List<String> any = List.of();
    List<String> dspy = List.of(ClientModule.DSPY4J);
    if (quick) {
      return List.of(
          new Scenario(
              "a",
              "(a) throughput: 500 x 200 tokens, concurrency 256",
              "plain",
              200,
              0,
              500,
              256,
              100,
              "stream",
              false,
              any),
          new Scenario(
              "b",
              "(b) scale: 400 concurrent streams x 100 tokens, 10 ms apart",
              "plain",
              100,
              10,
              400,
              400,
              100,
              "stream",
              true,
              any),
          new Scenario(
              "c",
              "(c) TTFT: 200 sequential streams x 20 tokens",
              "plain",
              20,
              0,
              200,
              1,
              50,
              "stream",
              false,
              any),
          new Scenario(
              "d0",
              "(d) LM.stream on a ChainOfThought reply: 400 x 204 deltas, concurrency 64",
              "cot",
              200,
              0,
              400,
              64,
              100,
              "stream",
              false,
              dspy),
          new Scenario(
              "d1",
              "(d) ChainOfThought.stream end to end: 400 x 204 deltas, concurrency 64",
              "cot",
              200,
              0,
              400,
              64,
              100,
              "cot",
              false,
              dspy));
    }
    Scenario d0 =
        new Scenario(
            "d0",
            "(d) LM.stream on a ChainOfThought reply: 10,000 x 204 deltas, concurrency 64",
            "cot",
            200,
            0,
            10_000,
            64,
            1_000,
            "stream",
            false,
            dspy);
    Scenario d1 =
        new Scenario(
            "d1",
            "(d) ChainOfThought.stream end to end: 10,000 x 204 deltas, concurrency 64",
            "cot",
            200,
            0,
            10_000,
            64,
            1_000,
            "cot",
            false,
            dspy);
    // (d) compares two runs of the same client, each in its own JVM; JIT and machine noise between
    // two JVMs is larger than the effect, so full mode runs the pair three times, interleaved, and
    // the report takes the median of the three ratios.
    return List.of(
        new Scenario(
            "a",
            "(a) throughput: 20,000 x 200 tokens, concurrency 256",
            "plain",
            200,
            0,
            20_000,
            256,
            1_000,
            "stream",
            false,
            any),
        new Scenario(
            "b",
            "(b) scale: 10,000 concurrent streams x 100 tokens, 20 ms apart",
            "plain",
            100,
            20,
            10_000,
            10_000,
            1_000,
            "stream",
            true,
            any),
        new Scenario(
            "c",
            "(c) TTFT: 10,000 sequential streams x 20 tokens",
            "plain",
            20,
            0,
            10_000,
            1,
            1_000,
            "stream",
            false,
            any),
        d0,
        d1,
        d0,
        d1,
        d0,
        d1);
  }
}
