package dev.dspy4j.apicheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one dspy4j module, read from its compiled module descriptor ({@code
 * target/classes/module-info.class}): what it exports, to whom, what it opens, and the public
 * top-level types of every exported package. {@link #check} compares that with the committed
 * listing {@code docs/api/<module>.txt} and refuses an unqualified export of an {@code internal}
 * package or an API package that is not exported.
 *
 * <p>A module that ships as an automatic module (no {@code module-info}, an {@code
 * Automatic-Module-Name} in its jar manifest) is checked by {@link #checkAutomatic}: the module
 * system exports every package of such a module, so none of its packages may be internal.
 *
 * <p>Regenerate a listing after a deliberate API change with {@code mvn -B -o -pl <module> -am test
 * -Dtest=ModuleApiTest -Dsurefire.failIfNoSpecifiedTests=false -Ddspy4j.api.write=true} and commit
 * the file.
 */
public final class ModuleApiListing {

  private ModuleApiListing() {}

  /**
   * The problems found (empty when the module is as listed); writes the listing first if asked to.
   */
  public static List<String> check(String moduleName, Path classes, Path listing)
      throws IOException {
    return check(moduleName, classes, listing, Boolean.getBoolean("dspy4j.api.write"));
  }

  /** As {@link #check(String, Path, Path)}, writing the listing first only if {@code write}. */
  static List<String> check(String moduleName, Path classes, Path listing, boolean write)
      throws IOException {
    ModuleReference ref =
        ModuleFinder.of(classes)
            .find(moduleName)
            .orElseThrow(() -> new AssertionError("no module " + moduleName + " in " + classes));
    ModuleDescriptor descriptor = ref.descriptor();
    var problems = new ArrayList<>(structuralProblems(descriptor));
    if (descriptor.isAutomatic()) {
      return problems;
    }
    problems.addAll(compare(descriptor, classes, listing, write));
    return problems;
  }

  /**
   * The problems found in a module that ships as an automatic module (empty when it is as listed);
   * writes the listing first if asked to. Its name is the {@code Automatic-Module-Name} of {@code
   * classes/META-INF/MANIFEST.MF} (the jar plugin's manifest file); the descriptor is the one the
   * JDK derives for a jar of {@code classes} with that manifest.
   */
  public static List<String> checkAutomatic(String moduleName, Path classes, Path listing)
      throws IOException {
    return checkAutomatic(moduleName, classes, listing, Boolean.getBoolean("dspy4j.api.write"));
  }

  /**
   * As {@link #checkAutomatic(String, Path, Path)}, writing the listing first only if {@code
   * write}.
   */
  static List<String> checkAutomatic(String moduleName, Path classes, Path listing, boolean write)
      throws IOException {
    ModuleDescriptor descriptor = automaticDescriptor(moduleName, classes);
    var problems = new ArrayList<>(automaticProblems(descriptor));
    if (!descriptor.isAutomatic()) {
      return problems;
    }
    problems.addAll(compare(descriptor, classes, listing, write));
    return problems;
  }

  /**
   * What is wrong with {@code descriptor} of a module meant to be automatic: a module-info (then
   * {@link #check} applies), or an internal package, which an automatic module exports to everyone.
   */
  public static List<String> automaticProblems(ModuleDescriptor descriptor) {
    var problems = new ArrayList<String>();
    if (!descriptor.isAutomatic()) {
      problems.add(
          descriptor.name()
              + " has a module-info.class: check it with check(), not as an"
              + " automatic module");
      return problems;
    }
    for (String p : new TreeSet<>(descriptor.packages())) {
      if (isInternal(p)) {
        problems.add("internal package in an automatic module (which exports every package): " + p);
      }
    }
    return problems;
  }

  /**
   * The descriptor the module system derives for a jar of {@code classes} whose manifest is {@code
   * classes/META-INF/MANIFEST.MF}; fails when that jar's module is not named {@code moduleName}.
   */
  private static ModuleDescriptor automaticDescriptor(String moduleName, Path classes)
      throws IOException {
    Path manifestFile = classes.resolve("META-INF/MANIFEST.MF");
    if (!Files.isRegularFile(manifestFile)) {
      throw new AssertionError("no " + manifestFile + " (the Automatic-Module-Name of the jar)");
    }
    Manifest manifest;
    try (InputStream in = Files.newInputStream(manifestFile)) {
      manifest = new Manifest(in);
    }
    // The jar plugin adds it; without it java.util.jar writes no main attribute at all.
    manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
    Path dir = Files.createTempDirectory("dspy4j-module-api");
    // Not named after the module: without an Automatic-Module-Name the derived name is "classes".
    Path jar = dir.resolve("classes.jar");
    try {
      try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest);
          Stream<Path> files = Files.walk(classes)) {
        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
          if (!Files.isRegularFile(f) || f.equals(manifestFile)) {
            continue;
          }
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      return ModuleFinder.of(jar)
          .find(moduleName)
          .orElseThrow(
              () ->
                  new AssertionError(
                      "a jar of "
                          + classes
                          + " is not module "
                          + moduleName
                          + " (Automatic-Module-Name in "
                          + manifestFile
                          + ")"))
          .descriptor();
    } finally {
      Files.deleteIfExists(jar);
      Files.deleteIfExists(dir);
    }
  }

  /** The difference between the listing of {@code descriptor} and the committed {@code listing}. */
  private static List<String> compare(
      ModuleDescriptor descriptor, Path classes, Path listing, boolean write) throws IOException {
    var problems = new ArrayList<String>();
    String text = render(descriptor, classes);
    if (write) {
      Files.createDirectories(listing.getParent());
      Files.writeString(listing, text, StandardCharsets.UTF_8);
    }
    String committed =
        Files.exists(listing) ? Files.readString(listing, StandardCharsets.UTF_8) : "";
    if (!committed.equals(text)) {
      problems.add(
          "the public API differs from "
              + listing
              + " (regenerate it with -Ddspy4j.api.write=true"
              + " if the change is meant, and commit it). Now:\n"
              + text);
    }
    return problems;
  }

  /**
   * What is wrong with {@code descriptor} whatever the listing says: an automatic module, an
   * unqualified export of an internal package, or an API package that is not exported to everyone.
   */
  public static List<String> structuralProblems(ModuleDescriptor descriptor) {
    var problems = new ArrayList<String>();
    if (descriptor.isAutomatic()) {
      problems.add(
          descriptor.name() + " has no module-info.class (an automatic module exports everything)");
      return problems;
    }
    for (var e : descriptor.exports()) {
      if (!e.isQualified() && isInternal(e.source())) {
        problems.add("internal package exported to everyone: " + e.source());
      }
    }
    Set<String> exported =
        descriptor.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    for (String p : new TreeSet<>(descriptor.packages())) {
      if (!isInternal(p) && !exported.contains(p)) {
        problems.add(
            "API package not exported (export it, or move it under an internal package): " + p);
      }
    }
    return problems;
  }

  static boolean isInternal(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  private static String render(ModuleDescriptor d, Path classes) throws IOException {
    var out = new StringBuilder();
    if (d.isAutomatic()) {
      out.append("# Public API of automatic module ")
          .append(d.name())
          .append(" (Automatic-Module-Name in its jar manifest: every package is exported and")
          .append(" open),\n# generated from its classes by ModuleApiTest; do not edit by hand.\n");
    } else {
      out.append("# Public API of module ")
          .append(d.name())
          .append(
              ", generated from its module-info.class by ModuleApiTest; do not edit by hand.\n");
    }
    out.append("# Regenerate: mvn -B -o -pl <module> -am test -Dtest=ModuleApiTest")
        .append(" -Dsurefire.failIfNoSpecifiedTests=false -Ddspy4j.api.write=true\n");
    var exports = new TreeSet<String>();
    if (d.isAutomatic()) {
      exports.addAll(d.packages());
    }
    for (var e : d.exports()) {
      exports.add(
          e.source()
              + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : ""));
    }
    for (String e : exports) {
      String pkg = e.split(" ", 2)[0];
      out.append("exports ").append(e).append('\n');
      for (String type : publicTypes(classes, pkg)) {
        out.append("  ").append(type).append('\n');
      }
    }
    var opens = new TreeSet<String>();
    for (var o : d.opens()) {
      opens.add(
          o.source()
              + (o.isQualified() ? " to " + String.join(", ", new TreeSet<>(o.targets())) : ""));
    }
    for (String o : opens) {
      out.append("opens ").append(o).append('\n');
    }
    return out.toString();
  }

  /** The public top-level types of {@code pkg}, loaded without initialising them. */
  private static List<String> publicTypes(Path classes, String pkg) throws IOException {
    Path dir = classes.resolve(pkg.replace('.', '/'));
    var names = new TreeSet<String>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
          continue;
        }
        String name = pkg + "." + file.substring(0, file.length() - ".class".length());
        try {
          Class<?> c = Class.forName(name, false, ModuleApiListing.class.getClassLoader());
          if (Modifier.isPublic(c.getModifiers())) {
            names.add(name);
          }
        } catch (ClassNotFoundException e) {
          throw new AssertionError("cannot load " + name, e);
        }
      }
    }
    return new ArrayList<>(names);
  }
}
