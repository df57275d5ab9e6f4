;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.stats-test
  "(stats x) from Clojure: plain maps with keyword keys, moving with the traffic."
  (:require [clojure.core.async :refer [close!]]
            [clojure.test :refer [deftest is use-fixtures]]
            [net.async.tcp :refer [accept connect stats]]
            [net.async.test-helpers :as h :refer [<!!? send! take-n with-event-loops]])
  (:import [io.micrometer.core.instrument.simple SimpleMeterRegistry]
           [net.async.tcp.micrometer NetAsyncMetrics]))

(use-fixtures :once h/warm-up)

(deftest stats-of-a-loop-an-accept-socket-and-both-ends-of-a-connection
  (with-event-loops [el]
    (let [acceptor (accept el {:host "127.0.0.1" :port 0})
          client   (connect el {:host "127.0.0.1" :port (:port acceptor)} :reconnect-period 50)
          server   (<!!? (:accept-chan acceptor))]
      (send! (:write-chan client) "hello" "net.async")
      (is (= [:connected "hello" "net.async"] (take-n 3 (:read-chan server))))
      (is (= :connected (<!!? (:read-chan client))))
      (let [out (stats client)]
        (is (map? out))
        (is (= {:state :connected :connections 1 :connects 1 :reconnects 0 :messages-out 2 :bytes-out 14}
               (select-keys out [:state :connections :connects :reconnects :messages-out :bytes-out])))
        (is (= {:reset 0 :peer-closed 0 :heartbeat-timeout 0 :bad-frame 0 :tls 0 :shutdown 0}
               (:disconnects out))))
      (is (= {:messages-in 2 :bytes-in 14} (select-keys (stats server) [:messages-in :bytes-in])))
      (is (= {:state :accepting :accepted 1 :connections 1 :messages-in 2}
             (select-keys (stats acceptor) [:state :accepted :connections :messages-in])))
      (close! (:write-chan server))
      (is (= [:disconnected :connected] (take-n 2 (:read-chan client))) "the server closed; the client came back")
      (is (= 1 (get-in (stats client) [:disconnects :peer-closed])))
      (is (= {:state :running :connects 4 :accepted 2}
             (select-keys (stats el) [:state :connects :accepted])) "two links each end, ended ones included"))))

(deftest stats-refuses-what-is-not-a-net-async-handle
  (is (thrown? IllegalArgumentException (stats {:read-chan 1}))))

(deftest the-clojure-maps-bind-micrometer-meters
  (with-event-loops [el]
    (let [registry (SimpleMeterRegistry.)
          acceptor (accept el {:host "127.0.0.1" :port 0})
          client   (connect el {:host "127.0.0.1" :port (:port acceptor)})
          server   (<!!? (:accept-chan acceptor))]
      (.bindTo (NetAsyncMetrics/of ^java.util.Map acceptor "orders") registry)
      (send! (:write-chan client) "one")
      (is (= [:connected "one"] (take-n 2 (:read-chan server))))
      (is (= 1.0 (-> registry (.get "netasync.messages.received") (.tag "name" "orders") .functionCounter .count)))
      (is (= "acceptor" (-> registry (.get "netasync.accepted") .functionCounter .getId (.getTag "role")))))))
