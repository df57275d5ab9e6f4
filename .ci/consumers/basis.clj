;; .ci/consumers.sh: what the Clojure CLI does with a deps.edn, through its library tools.deps:
;; resolve the project in the current directory, write its classpath to the file named by the
;; first argument.
(require '[clojure.string :as str]
         '[clojure.tools.deps :as deps])

(let [basis (deps/create-basis {:user nil})     ; root (tools.deps' own) + ./deps.edn, no ~/.clojure
      repos (into {} (remove (comp nil? val)) (:mvn/repos basis))]
  (println "repositories:" (pr-str repos))
  (when (contains? repos "clojars")
    (throw (ex-info "clojars is still among the repositories" repos)))
  (spit (first *command-line-args*)
        (str/join java.io.File/pathSeparator (:classpath-roots basis))))
(shutdown-agents)
