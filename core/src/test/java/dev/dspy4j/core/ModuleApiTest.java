package dev.dspy4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.apicheck.ModuleApiListing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Module dev.dspy4j.core exports only API packages (no {@code internal} package to everyone), and
 * its public API is the committed listing {@code docs/api/dev.dspy4j.core.txt} (see {@link
 * ModuleApiListing} to regenerate it).
 */
class ModuleApiTest {

  @Test
  void exportsOnlyApiPackagesAsListed() throws Exception {
    assertThat(
            ModuleApiListing.check(
                "dev.dspy4j.core",
                Path.of("target/classes"),
                Path.of("../docs/api/dev.dspy4j.core.txt")))
        .isEmpty();
  }
}
