package dev.dspy4j.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API check refuses what it is meant to refuse. */
class ModuleApiListingTest {

  @Test
  void anInternalPackageExportedToEveryoneIsRefused() {
    var d =
        ModuleDescriptor.newModule("m")
            .exports("m.api")
            .exports("m.api.internal")
            .packages(Set.of("m.api", "m.api.internal"))
            .build();
    assertThat(ModuleApiListing.structuralProblems(d))
        .containsExactly("internal package exported to everyone: m.api.internal");
  }

  @Test
  void aQualifiedExportOfAnInternalPackageIsAllowed() {
    var d =
        ModuleDescriptor.newModule("m")
            .exports("m.api")
            .exports("m.internal", Set.of("other"))
            .packages(Set.of("m.api", "m.internal"))
            .build();
    assertThat(ModuleApiListing.structuralProblems(d)).isEmpty();
  }

  @Test
  void anApiPackageThatIsNotExportedIsRefused() {
    var d =
        ModuleDescriptor.newModule("m")
            .exports("m.api")
            .packages(Set.of("m.api", "m.more", "m.api.internal"))
            .build();
    assertThat(ModuleApiListing.structuralProblems(d))
        .containsExactly(
            "API package not exported (export it, or move it under an internal package): m.more");
  }

  @Test
  void anAutomaticModuleIsRefused() {
    var d = ModuleDescriptor.newAutomaticModule("m").packages(Set.of("m.api")).build();
    assertThat(ModuleApiListing.structuralProblems(d)).hasSize(1);
  }

  @Test
  void aListingThatMissesATypeIsRefused(@TempDir Path dir) throws Exception {
    Path listing = dir.resolve("core.txt");
    String real = Files.readString(Path.of("../docs/api/dev.dspy4j.core.txt"));
    Files.writeString(listing, real.replace("  dev.dspy4j.core.lm.LanguageModel\n", ""));
    assertThat(ModuleApiListing.check("dev.dspy4j.core", Path.of("target/classes"), listing, false))
        .singleElement()
        .asString()
        .startsWith("the public API differs from");
    assertThat(
            ModuleApiListing.check(
                "dev.dspy4j.core",
                Path.of("target/classes"),
                Path.of("../docs/api/dev.dspy4j.core.txt"),
                false))
        .isEmpty();
  }
}
