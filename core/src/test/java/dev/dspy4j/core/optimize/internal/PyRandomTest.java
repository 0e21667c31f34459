package dev.dspy4j.core.optimize.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** PyRandom draws exactly what CPython's random.Random draws (tools/dspy-goldens/gen_random.py). */
class PyRandomTest {

  @Test
  void everyDrawEqualsCpythonsForTheSameSeed() throws Exception {
    JsonNode seeds =
        new ObjectMapper()
            .readTree(
                Objects.requireNonNull(
                    getClass().getResourceAsStream("/dspy-goldens/random/random.json")));
    int checked = 0;
    for (JsonNode s : seeds) {
      var rng = new PyRandom(s.get("seed").bigIntegerValue());
      for (JsonNode step : s.get("steps")) {
        String what = s.get("seed") + " " + step;
        switch (step.get(0).asText()) {
          case "random" -> {
            for (JsonNode x : step.get(1))
              assertThat(rng.random()).as(what).isEqualTo(x.asDouble());
          }
          case "randint" ->
              assertThat(rng.randint(step.get(1).get(0).asInt(), step.get(1).get(1).asInt()))
                  .as(what)
                  .isEqualTo(step.get(2).asInt());
          case "shuffle" -> {
            List<Integer> xs =
                new ArrayList<>(IntStream.range(0, step.get(1).asInt()).boxed().toList());
            rng.shuffle(xs);
            assertThat(xs).as(what).isEqualTo(ints(step.get(2)));
          }
          case "sample" -> {
            List<Integer> population =
                IntStream.range(0, step.get(1).get(0).asInt()).boxed().toList();
            assertThat(rng.sample(population, step.get(1).get(1).asInt()))
                .as(what)
                .isEqualTo(ints(step.get(2)));
          }
          case "choice" ->
              assertThat(rng.choice(IntStream.range(0, step.get(1).asInt()).boxed().toList()))
                  .as(what)
                  .isEqualTo(step.get(2).asInt());
          default -> throw new IllegalStateException("unknown step " + step);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(200);
  }

  private static List<Integer> ints(JsonNode array) {
    var out = new ArrayList<Integer>();
    array.forEach(n -> out.add(n.asInt()));
    return out;
  }
}
