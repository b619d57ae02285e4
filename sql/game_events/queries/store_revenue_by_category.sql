-- Store revenue by item category: transactions, revenue and average sale, highest revenue first.
--
-- Reads store_transaction. total_cost is what the player paid for the transaction (DECIMAL, with cents).
SELECT
    category,
    COUNT(*)                  AS transactions,
    SUM(total_cost)           AS revenue,
    ROUND(AVG(total_cost), 2) AS average_sale
FROM store_transaction
GROUP BY category
ORDER BY revenue DESC, category;
