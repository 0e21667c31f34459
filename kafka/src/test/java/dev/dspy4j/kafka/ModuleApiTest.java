package dev.dspy4j.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.apicheck.ModuleApiListing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * dspy4j-kafka is the automatic module dev.dspy4j.kafka (kafka-clients has no module name to
 * require), which exports every package: none of them is internal, and its public API is the
 * committed listing {@code docs/api/dev.dspy4j.kafka.txt} (see {@link ModuleApiListing} to
 * regenerate it).
 */
class ModuleApiTest {

  @Test
  void exportsOnlyApiPackagesAsListed() throws Exception {
    assertThat(
            ModuleApiListing.checkAutomatic(
                "dev.dspy4j.kafka",
                Path.of("target/classes"),
                Path.of("../docs/api/dev.dspy4j.kafka.txt")))
        .isEmpty();
  }
}
