;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.util-test
  "net.async.util as the original jar's users call it."
  (:require [clojure.core.async :refer [chan close! poll!]]
            [clojure.test :refer [are deftest is testing]]
            [net.async.util :as util]))

(deftest parse-endpoint-reads-host-and-port-or-port-alone
  (are [s m] (= m (util/parse-endpoint s))
    "8880"              {:host nil :port 8880}
    "localhost:8880"    {:host "localhost" :port 8880}
    "10.0.0.1:1"        {:host "10.0.0.1" :port 1}
    ":9"                {:host "" :port 9})
  (is (instance? Long (:port (util/parse-endpoint "80"))))
  (is (thrown-with-msg? IllegalArgumentException #"host:port" (util/parse-endpoint "localhost")))
  (is (thrown? IllegalArgumentException (util/parse-endpoint "a:b:80"))))

(deftest colours-wrap-the-joined-strings-in-ansi-codes
  (is (= "\u001b[1;31mdown 3\u001b[m" (util/in-red "down" 3)))
  (are [f code] (= (str "\u001b[1;" code "mx y\u001b[m") (f "x" "y"))
    util/in-green 32, util/in-blue 34, util/in-magenta 35, util/in-cyan 36, util/in-grey 30)
  (is (= "\u001b[1;31m\u001b[m" (util/in-red))))

(deftest spy-returns-its-value-and-evaluates-the-body-once
  (let [calls (atom 0)]
    (is (= 42 (util/spy "answer" (do (swap! calls inc) 42))))
    (is (= 1 @calls))))

(deftest try-put!!-puts-only-what-can-be-put-at-once
  (let [ch (chan 1)]
    (is (true? (util/try-put!! ch :a)))
    (is (false? (util/try-put!! ch :b)) "full: nothing is left pending")
    (is (= :a (poll! ch)))
    (is (nil? (poll! ch)) ":b was never put")
    (close! ch)
    (is (false? (util/try-put!! ch :c)) "closed")))

(deftest wait-ref-waits-for-the-predicate-or-the-timeout
  (testing "a value that is already there"
    (is (true? (util/wait-ref (atom 1) 10))))
  (testing "a change made while it waits (or just before: the watch is set before it looks)"
    (let [a       (atom nil)
          waiting (future (util/wait-ref a 5000))]
      (reset! a :ready)
      (is (true? (deref waiting 5000 ::stuck)))))
  (testing "a predicate"
    (let [a (atom 0)]
      (future (dotimes [_ 5] (swap! a inc)))
      (is (true? (util/wait-ref a #(>= % 5) 5000)))))
  (testing "a timeout"
    (let [started (System/nanoTime)]
      (is (false? (util/wait-ref (atom nil) 50)))
      (is (>= (- (System/nanoTime) started) 50000000))))
  (testing "no watch is left behind"
    (let [a (atom 1)]
      (util/wait-ref a 10)
      (is (empty? (.getWatches ^clojure.lang.IRef a))))))
