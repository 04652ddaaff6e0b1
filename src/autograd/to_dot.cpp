#include <sstream>
#include <unordered_map>

#include "xgrad/autograd.hpp"
#include "xgrad/function.hpp"

namespace xgrad {

std::string to_dot(const Tensor& root) {
    std::ostringstream dot;
    dot << "digraph xgrad {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n";
    std::unordered_map<const Node*, std::size_t> ids;
    std::vector<const Node*> todo{root.node().get()};
    ids.emplace(root.node().get(), 0);
    while (!todo.empty()) {  // iterative walk: deep graphs must not overflow the stack
        const Node* node = todo.back();
        todo.pop_back();
        const std::size_t id = ids.at(node);
        const Tensor t(std::const_pointer_cast<Node>(
            std::shared_ptr<const Node>(std::shared_ptr<const Node>(), node)));
        const bool leaf = node->inputs.empty();
        dot << "  n" << id << " [label=\""
            << (leaf ? (node->requires_grad ? "param" : "const") : node->op) << "\\n"
            << shape_str(t.shape()) << "\", shape=" << (leaf ? "ellipse" : "box") << "];\n";
        for (const auto& input : node->inputs) {
            auto [it, inserted] = ids.emplace(input.node().get(), ids.size());
            if (inserted) todo.push_back(input.node().get());
            dot << "  n" << it->second << " -> n" << id << ";\n";
        }
    }
    dot << "}\n";
    return dot.str();
}

}  // namespace xgrad
