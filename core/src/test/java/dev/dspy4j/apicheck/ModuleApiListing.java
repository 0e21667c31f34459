package dev.dspy4j.apicheck;

import java.io.IOException;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one dspy4j module, read from its compiled module descriptor ({@code
 * target/classes/module-info.class}): what it exports, to whom, what it opens, and the public
 * top-level types of every exported package. {@link #check} compares that with the committed
 * listing {@code docs/api/<module>.txt} and refuses an unqualified export of an {@code internal}
 * package or an API package that is not exported.
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
    out.append("# Public API of module ")
        .append(d.name())
        .append(", generated from its module-info.class by ModuleApiTest; do not edit by hand.\n")
        .append("# Regenerate: mvn -B -o -pl <module> -am test -Dtest=ModuleApiTest")
        .append(" -Dsurefire.failIfNoSpecifiedTests=false -Ddspy4j.api.write=true\n");
    var exports = new TreeSet<String>();
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
