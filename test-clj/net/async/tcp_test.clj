;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.tcp-test
  "The original net.async scenarios under their original names, then the rest of the contract the
   Clojure namespace promises. Every take and put gives up after 5 s; every port is bound as 0."
  (:require [clojure.core.async :refer [<! >! alts!! chan close! go-loop timeout]]
            [clojure.test :refer [are deftest is testing use-fixtures]]
            [net.async.tcp :refer [accept connect event-loop shutdown!]]
            [net.async.test-helpers :as h :refer [<!!? dial listen local send! take-n with-event-loops]])
  (:import [java.net BindException ServerSocket InetAddress]))

(use-fixtures :once h/warm-up)

;; --- the original scenarios --------------------------------------------------------------

(deftest test-push
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor)
          server   (<!!? (:accept-chan acceptor))]
      (send! (:write-chan client) "abc" "def" "xyz")
      (close! (:write-chan client))
      (is (= [:connected "abc" "def" "xyz" :closed] (take-n 5 (:read-chan server)))))))

(deftest test-poll
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor)
          server   (<!!? (:accept-chan acceptor))]
      (send! (:write-chan server) "abc" "def" "xyz")
      (is (= [:connected "abc" "def" "xyz"] (take-n 4 (:read-chan client)))))))

(deftest test-request-reply
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor)
          server   (<!!? (:accept-chan acceptor))]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (is (= [:connected] (take-n 1 (:read-chan server))))
      (doseq [i (range 3)]
        (send! (:write-chan client) (str "request " i))
        (is (= [(str "request " i)] (take-n 1 (:read-chan server))))
        (send! (:write-chan server) (str "reply " i))
        (is (= [(str "reply " i)] (take-n 1 (:read-chan client)))))
      (close! (:write-chan client))
      (is (= [:closed] (take-n 1 (:read-chan client))))
      (is (= [:closed] (take-n 1 (:read-chan server)))))))

(deftest test-two-clients
  (with-event-loops [el]
    (let [acceptor (listen el)
          clients  {"c1" (dial el acceptor) "c2" (dial el acceptor)}
          _        (doseq [[name client] clients] (send! (:write-chan client) name))
          ;; which accepted connection is whose: each client's first message is its name
          servers  (into {} (repeatedly 2 #(let [server (<!!? (:accept-chan acceptor))
                                                 [event name] (take-n 2 (:read-chan server))]
                                             (is (= :connected event))
                                             [name server])))]
      (is (= #{"c1" "c2"} (set (keys servers))))
      (doseq [[name server] servers]
        (send! (:write-chan server) (str "to " name)))
      (doseq [[name client] clients]
        (is (= [:connected (str "to " name)] (take-n 2 (:read-chan client))) name))
      (doseq [[name client] clients]
        (close! (:write-chan client))
        (is (= [:closed] (take-n 1 (:read-chan client))) name)
        (is (= [:closed] (take-n 1 (:read-chan (servers name)))) name)))))

(deftest test-auto-reconnect
  (with-event-loops [client-loop server-loop]
    (let [acceptor (listen server-loop)
          port     (:port acceptor)
          client   (dial client-loop acceptor :reconnect-period 50)
          server   (<!!? (:accept-chan acceptor))]
      (send! (:write-chan client) "abc")
      (is (= [:connected "abc"] (take-n 2 (:read-chan server))))
      (shutdown! server-loop)
      (is (= [:closed] (take-n 1 (:read-chan server))))
      (is (= [:connected :disconnected] (take-n 2 (:read-chan client))))
      (with-event-loops [server-loop-2]
        (let [acceptor (accept server-loop-2 {:host local :port port})
              server   (<!!? (:accept-chan acceptor))]
          (is (= [:connected] (take-n 1 (:read-chan client))))
          (send! (:write-chan client) "def")
          (send! (:write-chan server) "xyz")
          (is (= [:connected "def"] (take-n 2 (:read-chan server))))
          (is (= ["xyz"] (take-n 1 (:read-chan client)))))))))

(deftest test-close-during-disconnected
  (with-event-loops [host1 host2]
    (let [acceptor (listen host1)
          client   (dial host2 acceptor :reconnect-period 50)]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (reset! (:running? host1) false)
      (is (= [:disconnected] (take-n 1 (:read-chan client))))
      (close! (:write-chan client))
      (is (= [:closed nil] (take-n 2 (:read-chan client)))))))

(deftest test-port-binding
  (let [port (with-event-loops [el]
               (let [acceptor (listen el)
                     client   (dial el acceptor)]
                 (is (= [:connected] (take-n 1 (:read-chan client))))
                 (:port acceptor)))]
    (with-event-loops [el]
      (is (= port (:port (accept el {:host local :port port})))))))
