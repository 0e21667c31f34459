package dev.dspy4j.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void anAutomaticModuleWithAnInternalPackageIsRefused() {
    var d =
        ModuleDescriptor.newAutomaticModule("m")
            .packages(Set.of("m.api", "m.api.internal"))
            .build();
    assertThat(ModuleApiListing.automaticProblems(d))
        .containsExactly(
            "internal package in an automatic module (which exports every package): m.api.internal");
  }

  @Test
  void anAutomaticModuleOfApiPackagesOnlyPasses() {
    var d = ModuleDescriptor.newAutomaticModule("m").packages(Set.of("m.api", "m.more")).build();
    assertThat(ModuleApiListing.automaticProblems(d)).isEmpty();
  }

  @Test
  void aNamedModuleIsNotCheckedAsAnAutomaticOne() {
    var d = ModuleDescriptor.newModule("m").exports("m.api").packages(Set.of("m.api")).build();
    assertThat(ModuleApiListing.automaticProblems(d)).hasSize(1);
  }

  @Test
  void anAutomaticModuleIsListedFromItsClassesAndManifest(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes");
    copyClass(
        Path.of("target/test-classes"), "dev/dspy4j/apicheck/ModuleApiListing.class", classes);
    writeManifest(classes, "Automatic-Module-Name: m.auto\n");
    Path listing = dir.resolve("m.auto.txt");

    assertThat(ModuleApiListing.checkAutomatic("m.auto", classes, listing, true)).isEmpty();
    assertThat(Files.readString(listing))
        .startsWith("# Public API of automatic module m.auto")
        .endsWith("exports dev.dspy4j.apicheck\n  dev.dspy4j.apicheck.ModuleApiListing\n");
    assertThat(ModuleApiListing.checkAutomatic("m.auto", classes, listing, false)).isEmpty();
  }

  @Test
  void anInternalPackageOfAnAutomaticModuleIsRefused(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes");
    Path coreClasses = Path.of("target/classes");
    String internalClass;
    try (var files = Files.walk(coreClasses)) {
      internalClass =
          files
              .map(f -> coreClasses.relativize(f).toString().replace('\\', '/'))
              .filter(f -> f.contains("/internal/") && f.endsWith(".class") && !f.contains("$"))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    copyClass(coreClasses, internalClass, classes);
    writeManifest(classes, "Automatic-Module-Name: m.auto\n");
    String pkg = internalClass.substring(0, internalClass.lastIndexOf('/')).replace('/', '.');

    assertThat(ModuleApiListing.checkAutomatic("m.auto", classes, dir.resolve("m.auto.txt"), true))
        .containsExactly(
            "internal package in an automatic module (which exports every package): " + pkg);
  }

  @Test
  void aJarWithoutThatAutomaticModuleNameIsRefused(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes");
    copyClass(
        Path.of("target/test-classes"), "dev/dspy4j/apicheck/ModuleApiListing.class", classes);
    writeManifest(classes, "");
    assertThatThrownBy(
            () -> ModuleApiListing.checkAutomatic("m.auto", classes, dir.resolve("l.txt"), true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is not module m.auto");
  }

  private static void copyClass(Path from, String file, Path classes) throws Exception {
    Path target = classes.resolve(file);
    Files.createDirectories(target.getParent());
    Files.copy(from.resolve(file), target);
  }

  private static void writeManifest(Path classes, String attributes) throws Exception {
    Path manifest = classes.resolve("META-INF/MANIFEST.MF");
    Files.createDirectories(manifest.getParent());
    Files.writeString(manifest, "Manifest-Version: 1.0\n" + attributes);
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
