;; .ci/consumers.sh: a Leiningen user's project; the script fills in the version and the repository.
(defproject consumer/leiningen-consumer "0"
  :dependencies [[net.async/async "@VERSION@"]]
  ;; Maven Central and the library's throw-away file:// repository only: Clojars is unreachable.
  :repositories ^:replace [["central" {:url "https://repo1.maven.org/maven2/" :snapshots false}]
                           ["net-async-consumers" {:url "@REPO_URL@" :releases false
                                                   :snapshots true :update :always}]]
  :plugin-repositories ^:replace [["central" {:url "https://repo1.maven.org/maven2/" :snapshots false}]]
  ;; the :base profile adds nREPL and incomplete, from Clojars; `lein run` needs neither
  :profiles {:base {}})
