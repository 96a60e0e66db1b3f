"""The tutorial (doc/tutorial.md) in Python: the same numbers as tutorial.c."""
import hsec

# 1. the people and the services they depend on
m = hsec.Model()
m.add_region("east")
m.add_group("elderly", "east", 120000, vulnerability={"health": 1.5}, recovery=0.1)
m.add_group("children", "east", 90000, recovery=0.15)
m.add_service("grid", "energy", "east", recovery=0.2)
m.add_service("water", "water", "east", recovery=0.3)
m.add_service("clinic", "health_care", "east", recovery=0.25)
# 2. how failure travels
m.add_link("grid", "water", 0.6)
m.add_link("grid", "clinic", 0.5)
m.add_link("water", "elderly.health", 0.5, lag=2)
m.add_link("clinic", "elderly.health", 0.4)
m.add_link("water", "children.health", 0.3, lag=1)
m.use_template("dimensions")
with m.compile() as c:
    s = c.scenario()
m.close()
# 3. the threat, a measure, the run
s.add_threat("strike", "adversary", {"grid": 0.8}, start=1, duration=30)
s.add_measure("generators", "protection", "decouple", "military", 0.5,
              links=[("grid", "water")], start=5, ramp=5, cost=250000)
s.set_option("mode", "dynamic").set_option("steps", 60)
r = s.run()
# 4. what it says
for name in ("water", "elderly.health", "children.health"):
    k = r.node(name)
    o = r.orders[k]
    print("%s q=%.17g orders=%.17g %.17g %.17g %.17g" % (name, r.q[k], o[0], o[1], o[2], o[3]))
for g in range(2):
    h, step, _ = r.group(g, "peak")
    print("group %d peak index=%.17g at step %d" % (g, h, step))
print("burden total=%.17g propagated=%.17g" % (r.burden("total"), r.burden("propagated")))
