package dev.dspy4j.streaming.testing;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;

/** MockWebServer set-up shared by the transport tests. */
public final class MockServers {

  private MockServers() {}

  /**
   * Makes a request with no enqueued response get an HTTP 418 at once, instead of waiting forever
   * (for example an unexpected retry).
   */
  public static void failUnexpectedRequests(MockWebServer server) {
    ((QueueDispatcher) server.getDispatcher())
        .setFailFast(
            new MockResponse.Builder()
                .code(418)
                .body("no response enqueued for this request")
                .build());
  }
}
