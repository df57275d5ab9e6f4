;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.unix-test
  "Unix domain sockets from Clojure: {:path ...} wherever {:host :port} goes."
  (:require [clojure.core.async :refer [close!]]
            [clojure.java.io :as io]
            [clojure.test :refer [deftest is use-fixtures]]
            [net.async.tcp :refer [accept connect]]
            [net.async.test-helpers :as h :refer [<!!? send! take-n with-event-loops]])
  (:import [java.net BindException]
           [java.nio.file Files]
           [java.nio.file.attribute FileAttribute]))

(use-fixtures :once h/warm-up)

(defn- temp-socket []
  (str (.resolve (Files/createTempDirectory "net-async-unix" (make-array FileAttribute 0)) "app.sock")))

(deftest a-unix-socket-carries-messages-and-its-file-goes-with-the-acceptor
  (let [path (temp-socket)]
    (with-event-loops [el]
      (let [acceptor (accept el {:path path} :heartbeat-period 50 :heartbeat-timeout 200)
            client   (connect el {:path path} :reconnect-period 50)
            server   (<!!? (:accept-chan acceptor))]
        (is (= path (:path acceptor)))
        (is (not (contains? acceptor :port)))
        (send! (:write-chan client) "hello" "unix")
        (is (= [:connected "hello" "unix"] (take-n 3 (:read-chan server))))
        (is (thrown-with-msg? BindException (re-pattern (java.util.regex.Pattern/quote path))
                              (accept el {:path path})))
        (close! (:accept-chan acceptor))
        (is (true? (h/eventually #(not (.exists (io/file path))) 5000)) "the file is removed")))))
