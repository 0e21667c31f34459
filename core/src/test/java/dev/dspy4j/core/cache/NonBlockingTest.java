package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * With BlockHound installed, any blocking call on a Reactor non-blocking thread (here the parallel
 * scheduler, standing in for a Netty event loop) fails the pipeline with a BlockingOperationError.
 * Runs in a JVM of its own (tag "blockhound", see this module's pom).
 */
@Tag("blockhound")
class NonBlockingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path temp;

  @BeforeAll
  static void installBlockHound() {
    // BlockHound knows java.io and sockets but not the NIO file calls the disk layer makes
    // (Files.readAllBytes, write, move, createDirectories, size): mark their natives as blocking.
    BlockHound.install(
        builder ->
            builder
                .markAsBlocking(NIO_FILE_IO, "read0", "(Ljava/io/FileDescriptor;JI)I")
                .markAsBlocking(NIO_FILE_IO, "pread0", "(Ljava/io/FileDescriptor;JIJ)I")
                .markAsBlocking(NIO_FILE_IO, "write0", "(Ljava/io/FileDescriptor;JI)I")
                .markAsBlocking(NIO_FILE_IO, "pwrite0", "(Ljava/io/FileDescriptor;JIJ)I")
                .markAsBlocking(UNIX_FS, "open0", "(JII)I")
                .markAsBlocking(UNIX_FS, "rename0", "(JJ)V")
                .markAsBlocking(UNIX_FS, "mkdir0", "(JI)V")
                .markAsBlocking(UNIX_FS, "unlink0", "(J)V")
                .markAsBlocking(UNIX_FS, "stat0", "(JLsun/nio/fs/UnixFileAttributes;)V")
                .markAsBlocking(UNIX_FS, "opendir0", "(J)J"));
  }

  private static final String NIO_FILE_IO = "sun.nio.ch.FileDispatcherImpl";
  private static final String UNIX_FS = "sun.nio.fs.UnixNativeDispatcher";

  @Test
  void blockHoundCatchesBlockingOnAParallelThread() {
    Mono<Integer> sleeper =
        Mono.fromCallable(
            () -> {
              Thread.sleep(1);
              return 1;
            });
    StepVerifier.create(sleeper.subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(TIMEOUT);
    // And disk I/O, which is what the disk layer must keep off such threads:
    Mono<byte[]> reader =
        Mono.fromCallable(() -> Files.readAllBytes(Files.writeString(temp.resolve("f"), "x")));
    StepVerifier.create(reader.subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(TIMEOUT);
    Mono<Path> mkdir = Mono.fromCallable(() -> Files.createDirectories(temp.resolve("d")));
    StepVerifier.create(mkdir.subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(TIMEOUT);
  }

  @Test
  void diskCacheGetAndPutNeverBlockTheCallingThread() throws Exception {
    Path dir = temp.resolve("cache");
    CacheKey key = CacheKey.of("gpt-4o-mini", LmRequest.ofUser("q"));
    LmResponse answer = LmResponse.of("a");
    DefaultLmCache first = DefaultLmCache.builder().diskDirectory(dir).diskMaxBytes(10_000).build();

    // First use creates the directory; from a parallel thread.
    StepVerifier.create(Mono.defer(() -> first.put(key, answer)).subscribeOn(Schedulers.parallel()))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(Mono.defer(() -> first.get(key)).subscribeOn(Schedulers.parallel()))
        .expectNext(answer)
        .expectComplete()
        .verify(TIMEOUT);
    // A restarted cache reads from disk.
    DefaultLmCache restarted = DefaultLmCache.builder().diskDirectory(dir).build();
    StepVerifier.create(Mono.defer(() -> restarted.get(key)).subscribeOn(Schedulers.parallel()))
        .expectNext(answer)
        .expectComplete()
        .verify(TIMEOUT);
    // A corrupt entry is removed, off the calling thread too.
    Files.writeString(dir.resolve(key.value() + ".json"), "{\"format\":");
    DefaultLmCache again = DefaultLmCache.builder().diskDirectory(dir).build();
    StepVerifier.create(Mono.defer(() -> again.get(key)).subscribeOn(Schedulers.parallel()))
        .expectComplete()
        .verify(TIMEOUT);
    // Eviction under the size limit.
    Flux<Void> many =
        Flux.range(0, 50)
            .flatMap(
                i ->
                    Mono.defer(
                            () ->
                                first.put(
                                    CacheKey.of("m", LmRequest.ofUser("q" + i)),
                                    LmResponse.of("x".repeat(500))))
                        .subscribeOn(Schedulers.parallel()));
    StepVerifier.create(many).expectComplete().verify(TIMEOUT);
  }

  @Test
  void cachedCallsNeverBlockOnParallelThreads() {
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(temp.resolve("calls")).build();
    var network = new FakeNetwork();
    var complete = network.replying(FakeNetwork.answer("4"), Duration.ofMillis(100));
    var stream =
        network.streaming(
            Flux.just(LmChunk.ofText("4"), LmChunk.ofText("2"))
                .delayElements(Duration.ofMillis(10)));

    Flux<String> calls =
        Flux.range(0, 200)
            .flatMap(
                i -> {
                  LmRequest request = LmRequest.ofUser("question " + (i % 20));
                  Flux<String> one =
                      i % 2 == 0
                          ? ChainCache.complete(cache, "gpt-4o-mini", request, true, complete)
                              .map(LmResponse::text)
                              .flux()
                          : ChainCache.stream(cache, "gpt-4o-mini", request, true, stream)
                              .map(LmChunk::text);
                  return one.subscribeOn(Schedulers.parallel());
                });
    StepVerifier.create(calls.collectList())
        .assertNext(
            texts ->
                assertThat(texts)
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(List.of("4", "2", "42")).contains(t)))
        .expectComplete()
        .verify(TIMEOUT);
    // 20 distinct questions, 10 calls each, streamed or not: exactly one network call each.
    assertThat(network.calls).hasValue(20);
  }
}
