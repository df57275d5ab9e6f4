;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.session-test
  "Session mode from Clojure: the options, the events and the accept-socket's :evicted, as a
   program written against the namespace sees them. The Java suites prove the guarantee under
   faults; these prove the door."
  (:require [clojure.core.async :refer [close!]]
            [clojure.test :refer [deftest is use-fixtures]]
            [net.async.tcp :refer [accept event-loop shutdown!]]
            [net.async.test-helpers :as h :refer [<!!? dial listen send! take-n with-event-loops]]))

(use-fixtures :once h/warm-up)

(def ^:private fast
  {:heartbeat-period 50 :heartbeat-timeout 200})

(deftest session-messages-flow-both-ways-and-close-ends-both-ends
  (with-event-loops [el]
    (let [acceptor (listen el (assoc fast :session true))
          client   (dial el acceptor (assoc fast :session true :reconnect-period 50))
          server   (<!!? (:accept-chan acceptor))]
      (send! (:write-chan client) "abc" "def")
      (send! (:write-chan server) "xyz")
      (is (= [:connected "abc" "def"] (take-n 3 (:read-chan server))))
      (is (= [:connected "xyz"] (take-n 2 (:read-chan client))))
      (close! (:write-chan client))
      (is (= [:closed nil] (take-n 2 (:read-chan server))) "the client ended the session: :closed, not :disconnected")
      (is (= [:closed nil] (take-n 2 (:read-chan client)))))))

(deftest a-restarted-server-gives-the-client-session-lost-and-what-was-not-acknowledged
  (with-event-loops [client-el]
    (let [first-el (event-loop)
          acceptor (listen first-el (assoc fast :session true))
          port     (:port acceptor)
          client   (dial client-el port (assoc fast :session true :reconnect-period 50))]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (is (= [:connected] (take-n 1 (:read-chan (<!!? (:accept-chan acceptor))))))
      (shutdown! first-el)
      (is (= [:disconnected] (take-n 1 (:read-chan client))))
      (send! (:write-chan client) "after the restart")
      (with-event-loops [second-el]
        (let [restarted (accept second-el {:host h/local :port port} (assoc fast :session true))
              server    (<!!? (:accept-chan restarted))]
          (is (= [:session-lost :connected] (take-n 2 (:read-chan client))))
          (is (= [:connected "after the restart"] (take-n 2 (:read-chan server)))))))))

(deftest a-session-whose-client-is-away-waits-and-the-oldest-is-evicted-beyond-the-bound
  (with-event-loops [el]
    (let [acceptor (listen el (assoc fast :session true :max-detached-sessions 1 :session-expiry 60000))
          sessions (vec (for [_ (range 2)]
                          (let [client-el (event-loop)]
                            (dial client-el acceptor (assoc fast :session true))
                            (let [server (<!!? (:accept-chan acceptor))]
                              (is (= [:connected] (take-n 1 (:read-chan server))))
                              (shutdown! client-el)
                              (is (= [:disconnected] (take-n 1 (:read-chan server))))
                              server))))]
      (is (= [:closed nil] (take-n 2 (:read-chan (first sessions)))) "the oldest detached session is evicted")
      (is (= 1 @(:evicted acceptor)))
      (is (= 0 @(:rejected acceptor))))))

(deftest session-options-are-checked-like-every-other
  (with-event-loops [el]
    (is (thrown-with-msg? IllegalArgumentException #"session-buffer"
                          (dial el 1 :session true :session-buffer 0)))
    (is (thrown-with-msg? IllegalArgumentException #"session-expiry"
                          (listen el :session true :session-expiry -1)))
    (is (thrown-with-msg? IllegalArgumentException #"max-detached-sessions"
                          (listen el :session true :max-detached-sessions 0)))))
