;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.tcp-test
  "The original net.async scenarios under their original names, then the rest of the contract the
   Clojure namespace promises. Every take and put gives up after 5 s; every port is bound as 0."
  (:require [clojure.core.async :refer [<! >! alts!! chan close! go-loop timeout]]
            [clojure.test :refer [are deftest is testing use-fixtures]]
            [net.async.tcp :refer [accept connect event-loop shutdown!]]
            [net.async.test-helpers :as h :refer [<!!? dial listen local send! take-n with-event-loops]])
  (:import [java.net BindException ServerSocket InetAddress InetSocketAddress]))

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

;; --- event loops -------------------------------------------------------------------------

(deftest event-loop-is-a-map-with-a-running-atom
  (with-event-loops [el]
    (is (map? el))
    (is (instance? clojure.lang.Atom (:running? el)))
    (is (true? @(:running? el)))
    (shutdown! el)
    (is (false? @(:running? el)))
    (is (nil? (shutdown! el)) "idempotent")))

(deftest reset-running-or-shutdown-closes-everything
  (doseq [[how stop!] {"(reset! (:running? el) false)" #(reset! (:running? %) false)
                       "(shutdown! el)"                shutdown!}]
    (testing how
      (with-event-loops [el client-loop]
        (let [acceptor (listen el)
              client   (dial client-loop acceptor :reconnect-period 50)
              server   (<!!? (:accept-chan acceptor))]
          (is (= [:connected] (take-n 1 (:read-chan client))))
          (stop! el)
          (is (false? @(:running? el)))
          (is (= [:connected :closed nil] (take-n 3 (:read-chan server))))
          (is (h/port-free? (:port acceptor)) "the port is free when the call returns")
          (is (= [:disconnected] (take-n 1 (:read-chan client)))))))))

(deftest connect-and-accept-on-a-shut-down-loop-throw-illegal-state
  (with-event-loops [el]
    (shutdown! el)
    (is (thrown-with-msg? IllegalStateException #"shut down" (dial el 1)))
    (is (thrown-with-msg? IllegalStateException #"shut down" (listen el)))))

;; --- connect -----------------------------------------------------------------------------

(deftest connect-returns-before-the-server-exists
  (with-event-loops [client-loop server-loop]
    (let [port   (h/free-port)
          client (dial client-loop port :reconnect-period 50)]
      (is (= #{:read-chan :write-chan :remote-address :net.async.tcp/stats} (set (keys client)))
          "the original's two channels, the address it dials and its numbers for (stats client)")
      (is (= (java.net.InetSocketAddress/createUnresolved local port) (:remote-address client)))
      (is (= [:disconnected] (take-n 1 (:read-chan client))) "a failed dial is an event, not an exception")
      (let [acceptor (accept server-loop {:host local :port port})
            server   (<!!? (:accept-chan acceptor))]
        (is (= [:connected] (take-n 1 (:read-chan client))))
        (send! (:write-chan client) "abc")
        (is (= [:connected "abc"] (take-n 2 (:read-chan server))))))))

(deftest disconnected-once-per-loss-not-per-retry
  (with-event-loops [client-loop]
    (let [port   (h/free-port)
          client (dial client-loop port :reconnect-period 50)]
      (testing "before the server exists"
        (is (= [:disconnected] (take-n 1 (:read-chan client))))
        (is (= ::h/timeout (<!!? (:read-chan client) 500)) "about 10 failed retries, one :disconnected"))
      (dotimes [i 2]
        (testing (str "loss " (inc i))
          (with-event-loops [server-loop]
            (accept server-loop {:host local :port port})
            (is (= [:connected] (take-n 1 (:read-chan client)))))
          (is (= [:disconnected] (take-n 1 (:read-chan client))))
          (is (= ::h/timeout (<!!? (:read-chan client) 500))))))))

(deftest read-chan-closes-after-closed
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor)
          server   (<!!? (:accept-chan acceptor))]
      (close! (:write-chan client))
      (is (= [:connected :closed nil] (take-n 3 (:read-chan client))))
      (is (= [:connected :closed nil] (take-n 3 (:read-chan server)))))))

(deftest options-as-keyword-args-or-a-trailing-map
  (doseq [[how ->args] {"keyword args" #(apply concat %)
                        "trailing map" list}]
    (testing how
      (with-event-loops [el]
        (let [accept-chan (chan)
              made        (atom {:read [] :write []})
              make        (fn [k] #(let [c (chan 16)] (swap! made update k conj c) c))
              acceptor    (apply accept el {:host local :port 0}
                                 (->args {:accept-chan       accept-chan
                                          :read-chan-fn      (make :read)
                                          :write-chan-fn     (make :write)
                                          :heartbeat-period  500
                                          :heartbeat-timeout 5000
                                          :max-frame-size    16}))
              read-chan   (chan 16)
              write-chan  (chan)
              client      (apply dial el acceptor
                                 (->args {:read-chan         read-chan
                                          :write-chan        write-chan
                                          :reconnect-period  50
                                          :heartbeat-period  500
                                          :heartbeat-timeout 5000
                                          :max-frame-size    16}))
              other       (dial el acceptor)
              servers     (vec (repeatedly 2 #(<!!? accept-chan)))]
          (is (identical? accept-chan (:accept-chan acceptor)))
          (is (identical? read-chan (:read-chan client)))
          (is (identical? write-chan (:write-chan client)))
          (is (= (set (:read @made)) (set (map :read-chan servers))) "read-chan-fn per connection")
          (is (= (set (:write @made)) (set (map :write-chan servers))) "write-chan-fn per connection")
          (is (= 2 (count (:read @made)) (count (:write @made))))
          (send! write-chan "0123456789abcdef")
          (send! (:write-chan other) "other")
          (is (= #{[:connected "0123456789abcdef"] [:connected "other"]}
                 (set (map #(take-n 2 (:read-chan %)) servers)))
              "a payload of exactly max-frame-size passes"))))))

(deftest bad-options-throw-illegal-argument-naming-the-option
  (with-event-loops [el]
    (are [option to opts] (thrown-with-msg? IllegalArgumentException (re-pattern option)
                                            (apply connect el to opts))
      "reconnect-period"  {:host local :port 1}     [:reconnect-period -1]
      "reconnect-period"  {:host local :port 1}     [{:reconnect-period -1}]
      "heartbeat-period"  {:host local :port 1}     [:heartbeat-period 0]
      "heartbeat-timeout" {:host local :port 1}     [:heartbeat-timeout 0]
      "heartbeat-timeout" {:host local :port 1}     [:heartbeat-period 100 :heartbeat-timeout 50]
      "max-frame-size"    {:host local :port 1}     [:max-frame-size 0]
      "port"              {:host local :port 70000} [])
    (are [option to opts] (thrown-with-msg? IllegalArgumentException (re-pattern option)
                                            (apply accept el to opts))
      "heartbeat-timeout" {:host local :port 0}     [:heartbeat-timeout 0]
      "heartbeat-timeout" {:host local :port 0}     [{:heartbeat-period 100 :heartbeat-timeout 50}]
      "max-frame-size"    {:host local :port 0}     [:max-frame-size -1]
      "port"              {:host local :port 70000} [])))

;; --- accept ------------------------------------------------------------------------------

(deftest accept-on-a-taken-port-throws-bind-exception
  (with-event-loops [el]
    (let [acceptor (listen el)]
      (testing "taken by net.async"
        (is (thrown? BindException (accept el {:host local :port (:port acceptor)}))))
      (testing "taken by a plain ServerSocket"
        (with-open [s (ServerSocket. 0 50 (InetAddress/getByName local))]
          (is (thrown? BindException (accept el {:host local :port (.getLocalPort s)})))))
      (testing "the first acceptor is unharmed"
        (dial el acceptor)
        (is (= [:connected] (take-n 1 (:read-chan (<!!? (:accept-chan acceptor))))))))))

(deftest closing-accept-chan-frees-the-port-and-keeps-connections
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor)
          server   (<!!? (:accept-chan acceptor))]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (close! (:accept-chan acceptor))
      (is (h/eventually #(h/port-free? (:port acceptor)) 2000) "the port is freed within 2 s")
      (send! (:write-chan client) "abc")
      (send! (:write-chan server) "def")
      (is (= [:connected "abc"] (take-n 2 (:read-chan server))))
      (is (= ["def"] (take-n 1 (:read-chan client)))))))

;; --- heartbeats and frames ---------------------------------------------------------------

(deftest heartbeats-keep-a-quiet-connection-up
  ;; The timeout is long next to the period so that a GC pause or a busy CI machine (the loop
  ;; stalls for a while on its first allocations) cannot pass for a stuck link.
  (with-event-loops [el]
    (let [acceptor (listen el :heartbeat-period 50 :heartbeat-timeout 1000)
          client   (dial el acceptor :heartbeat-period 50 :heartbeat-timeout 1000)
          server   (<!!? (:accept-chan acceptor))]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (is (= [:connected] (take-n 1 (:read-chan server))))
      (let [quiet    (timeout 2000)
            [v port] (alts!! [(:read-chan client) (:read-chan server) quiet])]
        (is (= [nil quiet] [v port]) "nothing but heartbeats for 2 heartbeat-timeouts"))
      (send! (:write-chan client) "abc")
      (is (= ["abc"] (take-n 1 (:read-chan server)))))))

(deftest heartbeat-timeout-drops-a-silent-peer
  (with-open [silent (ServerSocket. 0 50 (InetAddress/getByName local))] ; never accepts, never writes
    (with-event-loops [el]
      (let [client (dial el (.getLocalPort silent) :reconnect-period 50 :heartbeat-period 50 :heartbeat-timeout 200)]
        (is (= [:connected :disconnected] (take-n 2 (:read-chan client))))))))

(deftest max-frame-size-drops-oversized-writes
  ;; This logs a warning, which is expected: it is swallowed.
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor :max-frame-size 4)
          server   (<!!? (:accept-chan acceptor))]
      (h/swallowing-system-err
        (send! (:write-chan client) "abcdef" "abcd")
        (is (= [:connected "abcd"] (take-n 2 (:read-chan server))))))))

;; --- the README ----------------------------------------------------------------------------

(defn- echo-server [el]
  (let [acceptor (listen el)]
    (go-loop []
      (when-let [server (<! (:accept-chan acceptor))]
        (go-loop []
          (when-let [msg (<! (:read-chan server))]
            (when-not (keyword? msg)
              (>! (:write-chan server) (.getBytes (str "ECHO/" (String. ^bytes msg)))))
            (recur)))
        (recur)))
    acceptor))

(deftest readme-echo-server-and-client
  (with-event-loops [server-loop client-loop]
    (let [acceptor (echo-server server-loop)
          clients  (vec (repeatedly 2 #(dial client-loop acceptor :reconnect-period 50)))]
      (doseq [[i client] (map-indexed vector clients)]
        (is (= [:connected] (take-n 1 (:read-chan client))))
        (doseq [j (range 3)]
          (send! (:write-chan client) (str "hello " i "." j))
          (is (= [(str "ECHO/hello " i "." j)] (take-n 1 (:read-chan client))))))
      (doseq [client clients]
        (close! (:write-chan client))
        (is (= [:closed nil] (take-n 2 (:read-chan client))))))))

;; --- the namespace -----------------------------------------------------------------------

(deftest no-reflection-warnings
  (let [err (java.io.StringWriter.)]
    (binding [*err* err
              *warn-on-reflection* true]
      (require 'net.async.tcp :reload))
    (is (= "" (str err)))))

(deftest the-other-namespaces-have-no-reflection-warnings-either
  (let [err (java.io.StringWriter.)]
    (binding [*err* err
              *warn-on-reflection* true]
      (require 'net.async.util 'net.async.synchro :reload))
    (is (= "" (str err)))))

(deftest an-event-loop-of-several-threads-carries-connections-like-one
  (let [el (event-loop {:threads 3})]
    (try
      (let [acceptor (listen el)
            clients  (vec (repeatedly 6 #(dial el acceptor)))
            servers  (vec (repeatedly 6 #(<!!? (:accept-chan acceptor))))]
        (doseq [[i client] (map-indexed vector clients)]
          (send! (:write-chan client) (str "from " i)))
        (is (= (set (map #(str "from " %) (range 6)))
               (set (map #(second (take-n 2 (:read-chan %))) servers)))))
      (finally (shutdown! el)))))

;; --- several servers (issue #21) -----------------------------------------------------------

(deftest connect-takes-several-servers-and-goes-on-to-the-one-that-answers
  (with-event-loops [el]
    (let [refusing (h/free-port)
          acceptor (listen el)
          client   (connect el [{:host local :port refusing} {:host local :port (:port acceptor)}]
                            :reconnect-period 50 :failover :in-order)
          server   (<!!? (:accept-chan acceptor))]
      (is (= [:connected] (take-n 1 (:read-chan client))) "still the keyword a 0.1.1 program waits for")
      (is (= (:port acceptor) (.getPort ^InetSocketAddress (:server (net.async.tcp/stats client))))
          "stats name the server it is on")
      (is (zero? (:failed-dials (net.async.tcp/stats client))) "a refused address inside a round is no failed round")
      (send! (:write-chan client) "on the second")
      (is (= [:connected "on the second"] (take-n 2 (:read-chan server)))))))

(deftest connect-rejects-an-unknown-failover-order
  (with-event-loops [el]
    (is (thrown-with-msg? IllegalArgumentException #":failover must be :in-order or :random"
          (connect el [{:host local :port 1}] :failover :sideways)))))

;; --- every slip gets a clear message (issue #24) --------------------------------------------

(defn- refusal
  "The message and ex-data of what (f) throws, or :no-exception."
  [f]
  (try (f) :no-exception
       (catch IllegalArgumentException e [(.getMessage e) (ex-data e)])))

(deftest every-slip-in-options-and-addresses-is-refused-with-a-clear-message
  (with-event-loops [el]
    (let [to {:host local :port 1}]
      (are [call message option] (let [[text data] (refusal call)]
                                   (and (is (re-find message (str text)) (str text))
                                        (is (= option (:option data)) (pr-str data))))
        ;; the issue's rows
        #(connect el to :heartbeat-perod 10)          #"connect has no option :heartbeat-perod; did you mean :heartbeat-period\?" :heartbeat-perod
        #(connect el to :heartbeat-period "100")      #":heartbeat-period must be a positive number of milliseconds, got \"100\"" :heartbeat-period
        #(connect el {:host local})                   #"address needs :port \(0\.\.65535\) or :path, got \{:host \"127\.0\.0\.1\"\}" :port
        ;; types, ranges
        #(connect el to :reconnect-period -5)         #":reconnect-period must be a positive number of milliseconds, got -5" :reconnect-period
        #(connect el to :reconnect-jitter 2)          #":reconnect-jitter must be a number from 0 to 1, got 2" :reconnect-jitter
        #(connect el to :session "yes")               #":session must be true or false, got \"yes\"" :session
        #(connect el to :read-chan 5)                 #":read-chan must be a core.async channel, got 5" :read-chan
        #(connect el to :ssl-context {})              #":ssl-context must be an io.netty.handler.ssl.SslContext" :ssl-context
        #(connect el to :failover :sideways)          #":failover must be :in-order or :random, got :sideways" :failover
        #(accept el {:port 0} :max-connections 0)     #":max-connections must be a positive whole number, got 0" :max-connections
        #(accept el {:port 0} :read-chan-fn 1)        #":read-chan-fn must be a function" :read-chan-fn
        #(event-loop {:threads -1})                   #":threads must be a positive whole number or :cores, got -1" :threads
        #(event-loop {:thread 2})                     #"event-loop has no option :thread; did you mean :threads\?" :thread
        ;; one function's options passed to the other: a conflict named as such
        #(accept el {:port 0} :read-chan (chan))      #"accept has no option :read-chan \(an option of connect\); did you mean :read-chan-fn\?" :read-chan
        #(connect el to :accept-chan (chan))          #"connect has no option :accept-chan \(an option of accept\)" :accept-chan
        ;; addresses
        #(connect el {:host local :port 70000})       #"address needs :port \(0\.\.65535\) or :path" :port
        #(connect el {:host "" :port 1})              #":host must be a non-empty string" :host
        #(connect el {:host local :port 1 :path "/tmp/x.sock"}) #"not both" :path
        #(connect el {:hots local :port 1})           #"not :hots; did you mean :host\?" :address
        #(accept el {:path (apply str "/tmp/" (repeat 120 "x"))}) #"bytes: a Unix socket's path holds at most 107" :path
        #(accept el {:path (System/getProperty "java.io.tmpdir")}) #"is a directory, not a Unix socket" :path))))

(deftest the-original-options-stay-valid
  (with-event-loops [el]
    (let [acceptor (accept el {:host local :port 0} :accept-chan (chan) :read-chan-fn chan :write-chan-fn chan
                           :heartbeat-period 1000 :heartbeat-timeout 4000)
          client   (connect el {:host local :port (:port acceptor)} :read-chan (chan) :write-chan (chan)
                            :reconnect-period 1000 :heartbeat-period 1000 :heartbeat-timeout 4000)]
      (is (= [:connected] (take-n 1 (:read-chan client)))))))

(deftest a-rejected-write-is-counted-in-stats
  (with-event-loops [el]
    (let [acceptor (listen el)
          client   (dial el acceptor :max-frame-size 16)
          server   (<!!? (:accept-chan acceptor))]
      (is (= [:connected] (take-n 1 (:read-chan client))))
      (h/swallowing-system-err
        (send! (:write-chan client) "01234567890123456789") ; over max-frame-size
        (is (true? (h/>!!? (:write-chan client) {:not "bytes"}))))
      (send! (:write-chan client) "fits")
      (is (= [:connected "fits"] (take-n 2 (:read-chan server))) "the rejected values dropped, the rest delivered")
      (is (= 2 (:rejected-writes (net.async.tcp/stats client)))))))
