;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.junit
  "Runs clojure.test vars one at a time for the JUnit 5 bridge, net.async.tcp.ClojureSuiteTest,
   so that Surefire reports each deftest as its own test.

     (deftest-vars \"net.async.tcp-test\") → [#'net.async.tcp-test/test-push …]   ; source order
     (run-var #'net.async.tcp-test/test-push) → [] | [{:type :fail …} {:type :error …} …]"
  (:require [clojure.test :as t]))

(defn deftest-vars
  "The vars with :test metadata in the namespace named ns-name, in source order. The namespace
   must be loaded."
  [ns-name]
  (->> (ns-interns (the-ns (symbol ns-name)))
       vals
       (filter (comp :test meta))
       (sort-by (comp (fnil identity Long/MAX_VALUE) :line meta))
       vec))

(defn- where [m]
  (str (:file m) ":" (:line m)))

(defn- expected-actual
  "For (is (= a b)) clojure.test reports the form and (not (= a' b')): the values are more useful."
  [{:keys [expected actual]}]
  (if (and (seq? actual) (= 'not (first actual))
           (seq? (second actual)) (= '= (first (second actual))) (= 3 (count (second actual))))
    (let [[_ a b] (second actual)] [a b])
    [expected actual]))

(defn- fail-result [m]
  (let [[expected actual] (expected-actual m)
        context (t/testing-contexts-str)]
    {:type     :fail
     :message  (str "FAIL at " (where m)
                    (when (seq context) (str "\n" context))
                    (when (:message m) (str "\n" (:message m)))
                    "\nexpected: " (pr-str (:expected m))
                    "\n  actual: " (pr-str (:actual m)))
     :expected (pr-str expected)
     :actual   (pr-str actual)}))

(defn- error-result [m]
  (let [actual (:actual m)]
    {:type      :error
     :throwable (if (instance? Throwable actual)
                  actual
                  (ex-info (str "clojure.test :error with a non-Throwable: " (pr-str actual)) {:actual actual}))}))

(defn run-var
  "Runs one deftest var with its namespace's fixtures, printing nothing, and returns its failures
   and errors in the order they happened: {:type :fail :message :expected :actual} with strings,
   or {:type :error :throwable <Throwable>}."
  [v]
  (let [results (atom [])]
    (binding [t/report (fn [m]
                         (case (:type m)
                           :fail  (swap! results conj (fail-result m))
                           :error (swap! results conj (error-result m))
                           nil))]
      (t/test-vars [v]))
    @results))
