;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.synchro-test
  "net.async.synchro over real sockets: mirrors converge on the master's state under concurrent
   commands, come back after the master restarts, time out on a master that does not answer, and a
   peer sending bad EDN is dropped without stopping the master. With sessions, a mirror that
   resumes needs no second snapshot."
  (:require [clojure.core.async :refer [chan close!]]
            [clojure.set :as set]
            [clojure.test :refer [deftest is testing use-fixtures]]
            [net.async.synchro :as synchro :refer [IState master mirror send-command]]
            [net.async.tcp :as tcp]
            [net.async.test-helpers :as h :refer [<!!? dial listen take-n with-event-loops]])
  (:import [net.async.tcp.fault Fault FaultProxy Plan]))

(use-fixtures :once h/warm-up)

;; A map as the replicated state, with the original test's operations:
;; [{:op :assoc :key k :value v} {:op :dissoc :key k} {:op :ensure :key k :value v} {:op :update :key k :fn 'inc}]
(defrecord Counters [m]
  IState
  (snapshot [_] m)
  (version [_] (hash m))
  (apply-delta [_ {:keys [add retract]}] (->Counters (merge (apply dissoc m retract) add)))
  (command->delta [_ ops]
    (let [m' (reduce (fn [s {:keys [op key value]}]
                       (case op
                         :assoc  (assoc s key value)
                         :dissoc (dissoc s key)
                         :ensure (if (= value (get s key ::absent))
                                   s
                                   (throw (ex-info "ensure failed" {:key key :expected value :got (get s key)})))
                         :assert (do (assert (= value (get s key)) "a state's own assertion") s)))
                     m ops)]
      {:add (into {} (remove (fn [[k v]] (= v (get m k ::absent)))) m')
       :retract (set/difference (set (keys m)) (set (keys m')))})))

;; what a mirror holds is the master's snapshot read back from EDN: wrap it the same way
(extend-type clojure.lang.APersistentMap
  IState
  (snapshot [m] m)
  (version [m] (hash m))
  (apply-delta [m delta] (:m (synchro/apply-delta (->Counters m) delta)))
  (command->delta [m ops] (synchro/command->delta (->Counters m) ops)))

(def ^:private fast {:heartbeat-period 50 :heartbeat-timeout 200})

(defn- start-master [el init & opts]
  (let [acceptor (apply listen el :read-chan-fn #(chan 10) :write-chan-fn #(chan 10) (concat (mapcat identity fast) opts))]
    {:acceptor acceptor
     :done     (future (master init acceptor))}))

(defn- start-mirror [el port & opts]
  (mirror (apply dial el port :read-chan (chan 10) :write-chan (chan 10) :reconnect-period 50
                 (concat (mapcat identity fast) opts))))

(defn- increment!
  "Adds one to the mirror's own counter, retrying while other mirrors' commands get in first."
  [m key]
  (loop [tries 0]
    (let [current (get @(:state m) key 0)
          answer  (deref (send-command m [{:op :ensure :key key :value (if (zero? current) ::absent current)}
                                          {:op :assoc :key key :value (inc current)}]
                                       2000)
                         5000 {:error :no-answer})]
      (cond
        (= :delta (:type answer)) tries
        (< tries 200)             (recur (inc tries))
        :else                     (throw (ex-info "no increment in 200 tries" {:answer answer}))))))

(deftest mirrors-converge-on-the-masters-state-under-concurrent-commands
  (with-event-loops [server-el client-el]
    (let [{:keys [acceptor]} (start-master server-el {})
          mirrors (vec (repeatedly 3 #(start-mirror client-el (:port acceptor))))]
      (doseq [m mirrors]
        (is (true? (h/eventually #(some? @(:state m)) 5000)) "every mirror gets a snapshot"))
      (let [workers (doall (for [[i m] (map-indexed vector mirrors)]
                             (future (dotimes [_ 20] (increment! m i)))))]
        (doseq [w workers] (deref w 30000 ::stuck))
        (is (true? (h/eventually #(apply = {0 20 1 20 2 20} (map (comp deref :state) mirrors)) 5000))
            (str "all mirrors hold {0 20, 1 20, 2 20}: " (mapv (comp deref :state) mirrors)))))))

(deftest a-mirror-comes-back-with-the-new-masters-state-after-a-restart
  (with-event-loops [client-el]
    (let [first-el (tcp/event-loop)
          {:keys [acceptor]} (start-master first-el {:generation 1})
          port (:port acceptor)
          m    (start-mirror client-el port)]
      (is (true? (h/eventually #(= {:generation 1} @(:state m)) 5000)))
      (tcp/shutdown! first-el)
      (with-event-loops [second-el]
        (let [acceptor (tcp/accept second-el {:host h/local :port port} :heartbeat-period 50 :heartbeat-timeout 200)]
          (future (master {:generation 2} acceptor))
          (is (true? (h/eventually #(= {:generation 2} @(:state m)) 5000))
              "asked for a snapshot on :connected, without the user doing anything")
          (is (= :delta (:type (deref (send-command m [{:op :assoc :key :after :value true}] 2000) 5000 nil))))
          (is (true? (h/eventually #(= {:generation 2 :after true} @(:state m)) 5000))))))))

(deftest a-command-nobody-answers-times-out-with-an-error
  (with-event-loops [el]
    (let [silent (listen el)                          ; accepts, reads, never answers
          m      (start-mirror el (:port silent))
          answer (deref (send-command m [{:op :assoc :key :x :value 1}] 100) 5000 ::stuck)]
      (is (= :reply (:type answer)))
      (is (= :timeout (:error answer)))
      (is (empty? @(:responses-cache m)) "nothing left waiting"))))

(deftest a-refused-command-is-answered-with-its-error
  (with-event-loops [el]
    (let [{:keys [acceptor]} (start-master el {:a 1})
          m (start-mirror el (:port acceptor))]
      (is (true? (h/eventually #(some? @(:state m)) 5000)))
      (let [answer (deref (send-command m [{:op :ensure :key :a :value 2}] 2000) 5000 ::stuck)]
        (is (= :reply (:type answer)))
        (is (= {:key :a :expected 2 :got 1} (:error answer))))
      (testing "an AssertionError in the state's code refuses the command, and the master goes on"
        (let [answer (deref (send-command m [{:op :assert :key :a :value 2}] 2000) 5000 ::stuck)]
          (is (re-find #"AssertionError" (str (:error answer)))))
        (is (= :delta (:type (deref (send-command m [{:op :assoc :key :b :value 2}] 2000) 5000 nil))))))))

(deftest a-peer-sending-bad-edn-is-dropped-and-the-master-goes-on
  (with-event-loops [el]
    (let [{:keys [acceptor]} (start-master el {})
          good (start-mirror el (:port acceptor))
          bad  (dial el acceptor :reconnect-period 5000)]
      (is (true? (h/eventually #(some? @(:state good)) 5000)))
      (is (= [:connected] (take-n 1 (:read-chan bad))))
      (h/swallowing-system-err
        (h/send! (:write-chan bad) "{:unclosed")
        (is (= [:disconnected] (take-n 1 (:read-chan bad))) "the master closed that connection"))
      (is (= :delta (:type (deref (send-command good [{:op :assoc :key :still :value :here}] 2000) 5000 nil)))
          "and goes on serving the others"))))

(deftest with-sessions-a-resumed-mirror-needs-no-second-snapshot
  (with-event-loops [server-el client-el]
    (let [{:keys [acceptor]} (start-master server-el {} :session true)
          proxy (FaultProxy/start (int (:port acceptor))
                                  (Plan/of 100 200 (System/nanoTime) (into-array [Fault/RESET])))]
      (try
        (let [m (start-mirror client-el (.port proxy) :session true)
              ;; commands until three links were reset under them (bounded: at most 5,000)
              n (loop [n 0]
                  (if (or (>= (.faults proxy) 3) (= n 5000))
                    n
                    (do (increment! m :n) (recur (inc n)))))]
          (.faultsEnabled proxy false)
          (is (>= (.faults proxy) 3) (str "links were reset: " proxy))
          (is (true? (h/eventually #(= {:n n} @(:state m)) 5000)) (str n " increments: " @(:state m)))
          (is (= 1 @(:snapshots m)) "one snapshot at the start; every reset after it was a resume"))
        (finally
          (.close proxy))))))
