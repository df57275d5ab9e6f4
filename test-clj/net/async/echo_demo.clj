;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.echo-demo
  "The README's echo server and client, run together: the client talks, the server is shut down
   and started again on the same port, the client reports :disconnected and :connected and talks
   again. Exits by itself.

     mvn -q test-compile exec:exec"
  (:require [clojure.core.async :refer [<! >! <!! >!! alts!! close! go timeout]]
            [net.async.tcp :refer [accept connect event-loop shutdown!]]))

;; --- as printed in the README ------------------------------------------------------------

(defn echo-server [el port]
  (let [acceptor (accept el {:port port})]
    (go
      (loop []
        (when-let [server (<! (:accept-chan acceptor))]
          (go
            (loop []
              (when-let [msg (<! (:read-chan server))]
                (when (bytes? msg)
                  (let [^bytes payload msg]
                    (>! (:write-chan server) (.getBytes (str "ECHO/" (String. payload))))))
                (recur))))
          (recur))))
    acceptor))

(defn echo-client [el port]
  (connect el {:host "127.0.0.1" :port port} :reconnect-period 200))

;; --- the demo ----------------------------------------------------------------------------

(defn- read! [client]
  (let [[v] (alts!! [(:read-chan client) (timeout 10000)])]
    (cond
      (keyword? v) v
      (bytes? v)   (String. ^bytes v)
      :else        (throw (ex-info "no answer within 10 s" {})))))

(defn- say [& xs] (apply println (format "%tT" (java.util.Date.)) xs) (flush))

(defn- await-event [client event]
  (loop []
    (let [v (read! client)]
      (say "client <-" v)
      (when-not (= v event) (recur)))))

(defn- talk [client n]
  (dotimes [i n]
    (let [msg (str "hello " i)]
      (say "client ->" msg)
      (>!! (:write-chan client) (.getBytes msg))
      (say "client <-" (read! client)))))

(defn -main [& _]
  (let [server-loop (event-loop)
        acceptor    (echo-server server-loop 0)
        port        (:port acceptor)
        client-loop (event-loop)
        client      (echo-client client-loop port)]
    (try
      (say "echo server listening on port" port)
      (await-event client :connected)
      (talk client 3)
      (say "restarting the server")
      (shutdown! server-loop)
      (await-event client :disconnected)
      (let [server-loop (event-loop)]
        (try
          (echo-server server-loop port)
          (say "echo server listening on port" port "again")
          (await-event client :connected)
          (talk client 3)
          (close! (:write-chan client))
          (await-event client :closed)
          (finally (shutdown! server-loop))))
      (finally
        (shutdown! client-loop)
        (shutdown! server-loop)
        (shutdown-agents)))
    (say "done")))
